using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.Trm.ElfPatch;

/// <summary>
/// One version requirement of an ELF shared library (an <c>Elf64_Vernaux</c> entry of <c>.gnu.version_r</c>), e.g.
/// <c>GLIBCXX_3.4.32</c> of <c>libstdc++.so.6</c>, with the dynamic symbols bound to it.
/// </summary>
/// <param name="Library">The library that must provide the version (<c>vn_file</c>), e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Version">The version name (<c>vna_name</c>), e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Index">The version index (<c>vna_other</c>) that <c>.gnu.version</c> gives the symbols bound to it.</param>
/// <param name="IsWeak">True when <c>VER_FLG_WEAK</c> is set: the dynamic loader then accepts a library without it.</param>
/// <param name="Symbols">Dynamic symbols bound to this version.</param>
/// <param name="RelocatedSymbols">Those of <paramref name="Symbols"/> that some relocation refers to (the loader must find them).</param>
/// <param name="FlagsOffset">File offset of <c>vna_flags</c> (2 bytes, little-endian).</param>
public sealed record VersionNeed(string Library, string Version, int Index, bool IsWeak,
    IReadOnlyList<string> Symbols, IReadOnlyList<string> RelocatedSymbols, long FlagsOffset)
{
    /// <summary>
    /// True when no relocation needs a symbol of this version: the requirement only guards symbols that the loader
    /// never binds (GCC 13's bare reference to <c>std::ios_base_library_init()</c>), so marking it weak changes nothing
    /// on a system that has the version and lets a system without it load the library.
    /// </summary>
    public bool CanBeWeak => RelocatedSymbols.Count == 0;
}

/// <summary>
/// Reads and edits the version requirements of a 64-bit little-endian ELF file (x86-64, arm64): section headers,
/// <c>.gnu.version_r</c> (SHT_GNU_verneed), <c>.gnu.version</c> (SHT_GNU_versym), <c>.dynsym</c> and the
/// SHT_RELA/SHT_REL sections that refer to it. Layouts: the System V gABI and the LSB "Symbol Versioning" chapter.
/// </summary>
public static class ElfVersionNeeds
{
    private const uint ShtRela = 4, ShtRel = 9, ShtDynsym = 11, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>True when <paramref name="elf"/> starts like a 64-bit little-endian ELF file.</summary>
    public static bool IsElf64LittleEndian(ReadOnlySpan<byte> elf)
        => elf.Length >= 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F' && elf[4] == 2 && elf[5] == 1;

    /// <summary>Every version requirement of the file, in file order.</summary>
    /// <exception cref="InvalidDataException">Not a 64-bit little-endian ELF file, or its tables point outside it.</exception>
    public static IReadOnlyList<VersionNeed> Read(ReadOnlySpan<byte> elf)
    {
        if (!IsElf64LittleEndian(elf))
            throw new InvalidDataException("Not a 64-bit little-endian ELF file.");
        var sections = ReadSections(elf);
        var verneed = sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
        if (verneed is null)
            return Array.Empty<VersionNeed>();
        var (symbolsByIndex, relocatedByIndex) = SymbolsByVersion(elf, sections);

        var strtab = sections[Check(verneed.Link, sections.Count, "verneed link")];
        var needs = new List<VersionNeed>();
        long p = verneed.Offset;
        for (uint n = 0; n < Math.Max(verneed.Info, 1u); n++)
        {
            int cnt = U16(elf, p + 2);
            string file = CString(elf, strtab.Offset + U32(elf, p + 4));
            long a = p + U32(elf, p + 8);
            for (int k = 0; k < cnt; k++)
            {
                ushort flags = U16(elf, a + 4);
                int index = U16(elf, a + 6) & 0x7fff;
                string version = CString(elf, strtab.Offset + U32(elf, a + 8));
                needs.Add(new VersionNeed(file, version, index, (flags & VerFlagWeak) != 0,
                    symbolsByIndex.GetValueOrDefault(index) ?? new List<string>(),
                    relocatedByIndex.GetValueOrDefault(index) ?? new List<string>(), a + 4));
                uint next = U32(elf, a + 12);
                if (next == 0) break;
                a += next;
            }
            uint nextNeed = U32(elf, p + 12);
            if (nextNeed == 0) break;
            p += nextNeed;
        }
        return needs;
    }

    // The dynamic symbols of each version index, and those of them that some relocation (SHT_RELA/SHT_REL on .dynsym) uses.
    private static (Dictionary<int, List<string>> Symbols, Dictionary<int, List<string>> Relocated) SymbolsByVersion(ReadOnlySpan<byte> elf, List<Section> sections)
    {
        var symbolsByIndex = new Dictionary<int, List<string>>();
        var relocatedByIndex = new Dictionary<int, List<string>>();
        var dynsymIndex = sections.FindIndex(s => s.Type == ShtDynsym);
        var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsymIndex < 0 || versym is null) return (symbolsByIndex, relocatedByIndex);
        var dynsym = sections[dynsymIndex];
        var dynstr = sections[Check(dynsym.Link, sections.Count, "dynsym link")];
        long count = dynsym.Size / 24;
        var relocated = new HashSet<long>();
        foreach (var rel in sections.Where(s => (s.Type == ShtRela || s.Type == ShtRel) && s.Link == dynsymIndex))
        {
            long entry = rel.Type == ShtRela ? 24 : 16;
            for (long r = 0; r + entry <= rel.Size; r += entry)
                relocated.Add((long)(U64(elf, rel.Offset + r + 8) >> 32));
        }
        for (long i = 1; i < count; i++)
        {
            int index = U16(elf, versym.Offset + 2 * i) & 0x7fff;
            if (index < 2) continue; // 0 local, 1 global: no version
            string name = CString(elf, dynstr.Offset + U32(elf, dynsym.Offset + 24 * i));
            Add(symbolsByIndex, index, name);
            if (relocated.Contains(i)) Add(relocatedByIndex, index, name);
        }
        return (symbolsByIndex, relocatedByIndex);
    }

    /// <summary>
    /// Sets <c>VER_FLG_WEAK</c> on every requirement that <paramref name="select"/> picks and that
    /// <see cref="VersionNeed.CanBeWeak"/>; returns the requirements changed (none when all were weak already).
    /// </summary>
    public static IReadOnlyList<VersionNeed> Weaken(Span<byte> elf, Func<VersionNeed, bool> select)
    {
        var changed = new List<VersionNeed>();
        foreach (var need in Read(elf))
        {
            if (need.IsWeak || !need.CanBeWeak || !select(need)) continue;
            var field = elf.Slice(checked((int)need.FlagsOffset), 2);
            BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(field) | VerFlagWeak));
            changed.Add(need with { IsWeak = true });
        }
        return changed;
    }

    private sealed record Section(uint Type, long Offset, long Size, int Link, uint Info);

    private static List<Section> ReadSections(ReadOnlySpan<byte> elf)
    {
        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        if (shoff <= 0 || shentsize < 64)
            throw new InvalidDataException("The ELF file has no section header table.");
        var sections = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            var s = new Section(U32(elf, sh + 4), (long)U64(elf, sh + 0x18), (long)U64(elf, sh + 0x20), (int)U32(elf, sh + 0x28), U32(elf, sh + 0x2C));
            if (s.Type != 8 /* SHT_NOBITS */ && (s.Offset < 0 || s.Size < 0 || s.Offset + s.Size > elf.Length))
                throw new InvalidDataException($"ELF section {i} lies outside the file.");
            sections.Add(s);
        }
        return sections;
    }

    private static void Add(Dictionary<int, List<string>> map, int key, string value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = new List<string>();
        list.Add(value);
    }

    private static int Check(int index, int count, string what)
        => index >= 0 && index < count ? index : throw new InvalidDataException($"ELF {what} {index} is not a section.");

    private static ushort U16(ReadOnlySpan<byte> d, long at) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(d, at, 2));
    private static uint U32(ReadOnlySpan<byte> d, long at) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(d, at, 4));
    private static ulong U64(ReadOnlySpan<byte> d, long at) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(d, at, 8));

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> d, long at, int length)
        => at >= 0 && at + length <= d.Length ? d.Slice((int)at, length) : throw new InvalidDataException($"ELF offset {at} lies outside the file.");

    private static string CString(ReadOnlySpan<byte> d, long at)
    {
        var rest = Slice(d, at, 1).Length == 1 ? d[(int)at..] : default;
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw new InvalidDataException($"Unterminated ELF string at offset {at}.");
        return Encoding.ASCII.GetString(rest[..end]);
    }
}
