namespace Microsoft.ML.Trm.Cli;

/// <summary>
/// Fonts for the charts. ScottPlot draws text with SkiaSharp, whose Linux build here has no fontconfig: without a
/// registered font file the labels could come out blank. The first common sans-serif TrueType font found on the
/// machine (DejaVu, Liberation, Noto; Windows and macOS have their own) becomes ScottPlot's default. Also puts the
/// panels of a chart side by side into one PNG.
/// </summary>
internal static class ChartFonts
{
    private static readonly string[] Candidates =
    {
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/noto/NotoSans-Regular.ttf",
    };

    private static readonly Lazy<string?> Registered = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return null;
        string? file = Candidates.FirstOrDefault(File.Exists);
        if (file is null) return null;
        ScottPlot.Fonts.AddFontFile(Name, file);
        ScottPlot.Fonts.Default = Name;
        return Name;
    });

    private const string Name = "TrmChartSans";

    /// <summary>Registers the font once; returns its name for <c>plot.Font.Set</c>, or null when the platform's own fonts are used.</summary>
    public static string? Register() => Registered.Value;

    /// <summary>Renders <paramref name="panels"/> side by side, each <paramref name="width"/> / count wide, as one PNG.</summary>
    public static byte[] SideBySide(IReadOnlyList<ScottPlot.Plot> panels, int width, int height)
    {
        string? font = Register();
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(width, height));
        surface.Canvas.Clear(SkiaSharp.SKColors.White);
        int panelWidth = width / panels.Count, x = 0;
        foreach (var panel in panels)
        {
            if (font is not null) panel.Font.Set(font);
            // Each panel on its own surface: a plot fills the whole canvas it renders to.
            using var part = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(panelWidth, height));
            panel.Render(part);
            using var partImage = part.Snapshot();
            surface.Canvas.DrawImage(partImage, x, 0);
            x += panelWidth;
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
