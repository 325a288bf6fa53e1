namespace Microsoft.ML.Trm;
internal static class Placeholder { }
