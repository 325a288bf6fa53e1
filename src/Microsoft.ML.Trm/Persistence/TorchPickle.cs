using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.Trm.Checkpoints;

/// <summary>
/// Reads and writes PyTorch zip checkpoints (torch.save of a state dict, pickle protocol 2) WITHOUT a general unpickler:
/// only the opcodes a state dict needs are understood, and the only callables accepted are collections.OrderedDict,
/// torch._utils._rebuild_tensor_v2 / _rebuild_parameter and the torch.*Storage types (the same allow-list idea as
/// torch.load(weights_only=True)). Any other global is refused, so a checkpoint cannot run code.
/// </summary>
internal static class TorchPickle
{
    private static readonly Dictionary<string, (string DType, int Size)> Storages = new()
    {
        ["FloatStorage"] = ("float32", 4), ["BFloat16Storage"] = ("bfloat16", 2), ["HalfStorage"] = ("float16", 2),
        ["DoubleStorage"] = ("float64", 8), ["LongStorage"] = ("int64", 8), ["IntStorage"] = ("int32", 4),
        ["ShortStorage"] = ("int16", 2), ["CharStorage"] = ("int8", 1), ["ByteStorage"] = ("uint8", 1), ["BoolStorage"] = ("bool", 1),
    };

    private sealed record Global(string Module, string Name);
    private sealed record StorageRef(string Type, string Key, long Numel);
    private sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);
    private sealed class PyDict { public readonly List<KeyValuePair<object?, object?>> Items = new(); }
    private sealed class Mark { public static readonly Mark Instance = new(); }

    /// <summary>Reads every tensor of a state-dict checkpoint, in file order.</summary>
    /// <exception cref="InvalidDataException">Not a PyTorch zip checkpoint, an unsupported construct, or a refused global.</exception>
    public static List<KeyValuePair<string, StoredTensor>> Read(string path)
    {
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a PyTorch checkpoint: torch.save writes a zip archive, and this file is not one ({e.Message}).", e); }
        using (zip)
        {
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
                ?? throw new InvalidDataException($"'{path}' is a zip archive but not a PyTorch checkpoint: it has no <name>/data.pkl record.");
            string root = pkl.FullName[..^"data.pkl".Length];
            byte[] pickle;
            using (var s = pkl.Open()) { using var ms = new MemoryStream(); s.CopyTo(ms); pickle = ms.ToArray(); }
            object? top = new Unpickler(pickle, path).Load();
            if (top is not PyDict dict) throw new InvalidDataException($"'{path}' does not hold a state dict (the pickle's top object is {top?.GetType().Name ?? "None"}).");
            var result = new List<KeyValuePair<string, StoredTensor>>();
            foreach (var (k, v) in dict.Items)
            {
                if (k is not string key) throw new InvalidDataException($"'{path}': a state-dict key is not a string.");
                if (v is not TensorRef t) throw new InvalidDataException($"'{path}': entry '{key}' is not a tensor.");
                var entry = zip.GetEntry(root + "data/" + t.Storage.Key) ?? throw new InvalidDataException($"'{path}': storage record data/{t.Storage.Key} of '{key}' is missing.");
                result.Add(new(key, Materialize(t, entry, key, path)));
            }
            return result;
        }
    }

    private static StoredTensor Materialize(TensorRef t, ZipArchiveEntry entry, string key, string path)
    {
        var (dtype, size) = Storages[t.Storage.Type];
        byte[] bytes;
        using (var s = entry.Open()) { using var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
        long numel = t.Size.Aggregate(1L, (a, b) => a * b);
        var values = new float[numel];
        var index = new long[t.Size.Length];
        for (long i = 0; i < numel; i++)
        {
            long at = t.Offset;
            for (int d = 0; d < index.Length; d++) at += index[d] * t.Stride[d];
            if ((at + 1) * size > bytes.Length) throw new InvalidDataException($"'{path}': tensor '{key}' reads past the end of its storage.");
            var span = bytes.AsSpan((int)(at * size), size);
            values[i] = dtype switch
            {
                "float32" => BinaryPrimitives.ReadSingleLittleEndian(span),
                "bfloat16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(span) << 16),
                "float16" => (float)BinaryPrimitives.ReadHalfLittleEndian(span),
                "float64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(span),
                "int64" => BinaryPrimitives.ReadInt64LittleEndian(span),
                "int32" => BinaryPrimitives.ReadInt32LittleEndian(span),
                "int16" => BinaryPrimitives.ReadInt16LittleEndian(span),
                "int8" => (sbyte)span[0],
                _ => span[0],
            };
            for (int d = index.Length - 1; d >= 0; d--) { if (++index[d] < t.Size[d]) break; index[d] = 0; }
        }
        return new StoredTensor(dtype, t.Size, values);
    }

    private sealed class Unpickler
    {
        private readonly byte[] _data;
        private readonly string _path;
        private int _pos;
        private readonly List<object?> _stack = new();
        private readonly Dictionary<long, object?> _memo = new();

        public Unpickler(byte[] data, string path) => (_data, _path) = (data, path);

        private InvalidDataException Error(string message) => new($"'{_path}': {message}");
        private byte Byte() => _pos < _data.Length ? _data[_pos++] : throw Error("the pickle ends unexpectedly.");
        private ReadOnlySpan<byte> Bytes(long n)
        {
            if (n < 0 || _pos + n > _data.Length) throw Error("the pickle ends unexpectedly.");
            var s = _data.AsSpan(_pos, (int)n); _pos += (int)n; return s;
        }
        private string Line() { int start = _pos; while (Byte() != (byte)'\n') { } return Encoding.UTF8.GetString(_data, start, _pos - start - 1); }
        private object? Pop() { var v = _stack[^1]; _stack.RemoveAt(_stack.Count - 1); return v; }
        private List<object?> PopMark()
        {
            int m = _stack.FindLastIndex(o => ReferenceEquals(o, Mark.Instance));
            if (m < 0) throw Error("MARK expected.");
            var items = _stack.GetRange(m + 1, _stack.Count - m - 1);
            _stack.RemoveRange(m, _stack.Count - m);
            return items;
        }

        private static Global Allowed(string module, string name, Func<string, Exception> refuse) =>
            (module, name) switch
            {
                ("collections", "OrderedDict") or ("torch._utils", "_rebuild_tensor_v2") or ("torch._utils", "_rebuild_parameter") => new Global(module, name),
                ("torch", _) when Storages.ContainsKey(name) => new Global(module, name),
                _ => throw refuse($"refuses the global {module}.{name}: a reference checkpoint holds only tensors (allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, torch.*Storage)."),
            };

        public object? Load()
        {
            while (true)
            {
                byte op = Byte();
                if (op == (byte)'.') return Pop();                                      // STOP
                if (!(Framing(op) || Memo(op) || Containers(op) || Scalars(op) || Calls(op)))
                    throw Error($"unsupported pickle opcode 0x{op:x2} at byte {_pos - 1}; only state-dict pickles are read.");
            }
        }

        private bool Framing(byte op)
        {
            switch (op)
            {
                case 0x80: Byte(); return true;                                           // PROTO
                case 0x95: Bytes(8); return true;                                         // FRAME
                case (byte)'(': _stack.Add(Mark.Instance); return true;                   // MARK
                default: return false;
            }
        }

        private bool Memo(byte op)
        {
            switch (op)
            {
                case (byte)'q': _memo[Byte()] = _stack[^1]; return true;                  // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))] = _stack[^1]; return true; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = _stack[^1]; return true;                  // MEMOIZE
                case (byte)'h': _stack.Add(_memo[Byte()]); return true;                   // BINGET
                case (byte)'j': _stack.Add(_memo[BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))]); return true; // LONG_BINGET
                default: return false;
            }
        }

        private bool Containers(byte op)
        {
            switch (op)
            {
                case (byte)'}': _stack.Add(new PyDict()); return true;                    // EMPTY_DICT
                case (byte)']': _stack.Add(new List<object?>()); return true;             // EMPTY_LIST
                case (byte)')': _stack.Add(Array.Empty<object?>()); return true;          // EMPTY_TUPLE
                case (byte)'t': _stack.Add(PopMark().ToArray()); return true;             // TUPLE
                case 0x85: _stack.Add(new[] { Pop() }); return true;                      // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b }); return true; }                 // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b, c }); return true; } // TUPLE3
                case (byte)'s': { var v = Pop(); var k = Pop(); Dict().Items.Add(new(k, v)); return true; }            // SETITEM
                case (byte)'u':                                                           // SETITEMS
                {
                    var items = PopMark(); var d = Dict();
                    for (int i = 0; i + 1 < items.Count; i += 2) d.Items.Add(new(items[i], items[i + 1]));
                    return true;
                }
                case (byte)'a': { var v = Pop(); (_stack[^1] as List<object?> ?? throw Error("APPEND needs a list.")).Add(v); return true; }
                case (byte)'e': { var items = PopMark(); (_stack[^1] as List<object?> ?? throw Error("APPENDS needs a list.")).AddRange(items); return true; }
                default: return false;
            }
        }

        private bool Scalars(byte op)
        {
            switch (op)
            {
                case (byte)'J': _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); return true;  // BININT
                case (byte)'K': _stack.Add((long)Byte()); return true;                    // BININT1
                case (byte)'M': _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); return true; // BININT2
                case 0x8a: _stack.Add(Long1()); return true;                              // LONG1
                case (byte)'G': _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); return true;         // BINFLOAT
                case (byte)'X': _stack.Add(Encoding.UTF8.GetString(Bytes(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))))); return true;
                case 0x8c: _stack.Add(Encoding.UTF8.GetString(Bytes(Byte()))); return true; // SHORT_BINUNICODE
                case 0x8d: _stack.Add(Encoding.UTF8.GetString(Bytes((long)BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8))))); return true;
                case (byte)'U': _stack.Add(Encoding.Latin1.GetString(Bytes(Byte()))); return true;            // SHORT_BINSTRING
                case (byte)'T': _stack.Add(Encoding.Latin1.GetString(Bytes(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))))); return true;
                case (byte)'N': _stack.Add(null); return true;
                case 0x88: _stack.Add(true); return true;
                case 0x89: _stack.Add(false); return true;
                default: return false;
            }
        }

        private long Long1()
        {
            var b = Bytes(Byte()); long v = 0;
            for (int i = b.Length - 1; i >= 0; i--) v = (v << 8) | b[i];
            if (b.Length is > 0 and < 8 && (b[^1] & 0x80) != 0) v -= 1L << (8 * b.Length);
            return v;
        }

        private bool Calls(byte op)
        {
            switch (op)
            {
                case (byte)'c': { var m = Line(); var n = Line(); _stack.Add(Allowed(m, n, Error)); return true; }   // GLOBAL
                case 0x93: { var n = Pop() as string; var m = Pop() as string; _stack.Add(Allowed(m ?? "?", n ?? "?", Error)); return true; } // STACK_GLOBAL
                case (byte)'Q': _stack.Add(PersistentLoad(Pop())); return true;           // BINPERSID
                case (byte)'R': { var args = Pop() as object?[]; var f = Pop(); _stack.Add(Reduce(f, args)); return true; } // REDUCE
                case (byte)'b':                                                           // BUILD: only a state dict's _metadata
                    Pop();
                    if (_stack[^1] is not PyDict) throw Error("BUILD is only accepted on a dictionary (state-dict metadata).");
                    return true;
                default: return false;
            }
        }

        private PyDict Dict() => _stack[^1] as PyDict ?? throw Error("SETITEM needs a dictionary.");

        private object PersistentLoad(object? pid)
        {
            if (pid is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not Global g || !Storages.ContainsKey(g.Name) || t[2] is not string key || t[4] is not long numel)
                throw Error("unsupported persistent id (expected ('storage', torch.<Type>Storage, key, location, numel)).");
            return new StorageRef(g.Name, key, numel);
        }

        private object? Reduce(object? f, object?[]? args)
        {
            if (f is not Global g || args is null) throw Error("REDUCE of a non-callable.");
            switch (g.Name)
            {
                case "OrderedDict" when args.Length == 0: return new PyDict();
                case "_rebuild_tensor_v2" when args.Length >= 4 && args[0] is StorageRef s && args[1] is long offset && args[2] is object?[] size && args[3] is object?[] stride:
                    return new TensorRef(s, offset, size.Select(v => (long)v!).ToArray(), stride.Select(v => (long)v!).ToArray());
                case "_rebuild_parameter" when args.Length >= 1 && args[0] is TensorRef t: return t;
                default: throw Error($"refuses the call {g.Module}.{g.Name} with these arguments.");
            }
        }
    }

    /// <summary>
    /// Writes a state dict as torch.save does (zip with &lt;name&gt;/data.pkl, data/&lt;i&gt;, version, byteorder; pickle
    /// protocol 2; stored, uncompressed records). Tensors are written contiguous in the given dtype ("float32" or "bfloat16").
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Key, string DType, long[] Shape, float[] Values)> tensors, string archiveName = "archive")
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        void Record(string name, byte[] data)
        {
            var e = zip.CreateEntry(archiveName + "/" + name, CompressionLevel.NoCompression);
            using var s = e.Open(); s.Write(data);
        }
        var p = new MemoryStream();
        void W(params byte[] b) => p.Write(b);
        void Str(string s) { var b = Encoding.UTF8.GetBytes(s); W((byte)'X'); Span<byte> n = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)b.Length); p.Write(n); p.Write(b); }
        void Int(long v)
        {
            if (v is >= 0 and < 256) { W((byte)'K', (byte)v); return; }
            if (v is >= int.MinValue and <= int.MaxValue) { W((byte)'J'); Span<byte> n = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(n, (int)v); p.Write(n); return; }
            W(0x8a, 8); Span<byte> m = stackalloc byte[8]; BinaryPrimitives.WriteInt64LittleEndian(m, v); p.Write(m);
        }
        void Glob(string module, string name) { W((byte)'c'); p.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n")); }
        void Tuple(IEnumerable<long> values) { W((byte)'('); foreach (var v in values) Int(v); W((byte)'t'); }

        W(0x80, 2);
        Glob("collections", "OrderedDict"); W((byte)')', (byte)'R');
        W((byte)'(');
        for (int i = 0; i < tensors.Count; i++)
        {
            var (key, dtype, shape, values) = tensors[i];
            Str(key);
            Glob("torch._utils", "_rebuild_tensor_v2");
            W((byte)'(');
            W((byte)'('); Str("storage"); Glob("torch", dtype == "bfloat16" ? "BFloat16Storage" : "FloatStorage"); Str(i.ToString(System.Globalization.CultureInfo.InvariantCulture)); Str("cpu"); Int(values.Length); W((byte)'t');
            W((byte)'Q');
            Int(0);
            Tuple(shape);
            var stride = new long[shape.Length];
            for (int d = shape.Length - 1, acc = 1; d >= 0; acc *= (int)shape[d], d--) stride[d] = acc;
            Tuple(stride);
            W(0x89);
            Glob("collections", "OrderedDict"); W((byte)')', (byte)'R');
            W((byte)'t', (byte)'R');
            Record("data/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), StorageBytes(dtype, values));
        }
        W((byte)'u', (byte)'.');
        Record("data.pkl", p.ToArray());
        Record("byteorder", Encoding.ASCII.GetBytes("little"));
        Record("version", Encoding.ASCII.GetBytes("3\n"));
    }

    /// <summary>A storage record: the values as little-endian bfloat16 (rounded to nearest even) or float32.</summary>
    private static byte[] StorageBytes(string dtype, float[] values)
    {
        if (dtype == "bfloat16")
        {
            var half = new byte[values.Length * 2];
            for (int j = 0; j < values.Length; j++) BinaryPrimitives.WriteUInt16LittleEndian(half.AsSpan(j * 2), RoundToBFloat16(values[j]));
            return half;
        }
        var data = new byte[values.Length * 4];
        for (int j = 0; j < values.Length; j++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(j * 4), values[j]);
        return data;
    }

    /// <summary>float32 → bfloat16 bits, round to nearest even (as torch's .to(torch.bfloat16)).</summary>
    public static ushort RoundToBFloat16(float value)
    {
        uint bits = (uint)BitConverter.SingleToInt32Bits(value);
        if (float.IsNaN(value)) return 0x7FC0;
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
