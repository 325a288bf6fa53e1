using Microsoft.ML.Trm;
using Microsoft.ML.Trm.MlNet;

// Loadable classes: one marker per transformer that mlContext.Model.Load must be able to recreate. After each compile
// build/MlNetWeaver turns every marker into ML.NET's internal
//   [assembly: LoadableClass(typeof(T), typeof(MlNetLoader<T, ModelLoadContext>), null, typeof(SignatureLoadModel), userName, loaderSignature)]
// so loading needs no registration call. T implements IMlNetLoadable<T>; see Persistence/MlNetLoader.cs.
[assembly: MlNetLoadable(typeof(PuzzleEncodingTransformer), typeof(MlNetLoader<,>), PuzzleEncodingTransformer.UserName, PuzzleEncodingTransformer.LoaderSignature)]
[assembly: MlNetLoadable(typeof(TrmTransformer), typeof(MlNetLoader<,>), TrmTransformer.UserName, TrmTransformer.LoaderSignature)]
[assembly: MlNetLoadable(typeof(PuzzleDecodingTransformer), typeof(MlNetLoader<,>), PuzzleDecodingTransformer.UserName, PuzzleDecodingTransformer.LoaderSignature)]

// Without this the runtime silently drops the woven (internal) LoadableClass attributes. The weaver checks it is here.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Not in the BCL's public surface; the runtime recognises it by its full name and then lets this assembly use
    /// the internals of the named assembly (here: keep ML.NET's internal LoadableClassAttribute).
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        /// <summary>Names the assembly whose internals may be used.</summary>
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        /// <summary>The assembly whose internals may be used.</summary>
        public string AssemblyName { get; }
    }
}
