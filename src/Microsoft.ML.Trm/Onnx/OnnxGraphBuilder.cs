using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Microsoft.ML.Trm.Onnx;

/// <summary>
/// Writes an ONNX graph (classes generated from the official onnx.proto3): graph inputs and outputs, initializers
/// and nodes of the default domain. Nothing TRM-specific lives here; <see cref="TrmOnnxGraph"/> uses it.
/// </summary>
/// <remarks>
/// Every node is named <c>{Scope}/{OpType}_{n}</c> and writes values named <c>{Scope}/{OpType}_{n}:k</c>, so a
/// graph viewer shows where in the recursion a node belongs. Small int64/float constants are initializers,
/// shared by value.
/// </remarks>
internal sealed class OnnxGraphBuilder
{
    private readonly Dictionary<string, string> _constants = new();
    private int _next;

    public OnnxGraphBuilder(string graphName, int opset)
    {
        Graph = new GraphProto { Name = graphName };
        Opset = opset;
    }

    public GraphProto Graph { get; }

    /// <summary>The default-domain opset the nodes are written for (changes how a few operators take their axes).</summary>
    public int Opset { get; }

    /// <summary>Prefix of the names of nodes added from now on ("" = none).</summary>
    public string Scope { get; set; } = "";

    /// <summary>Declares a graph input; a dimension is a fixed size (long) or a symbolic name (string).</summary>
    public string Input(string name, DataType type, params object[] dims)
    {
        Graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> a graph output under <paramref name="name"/>.</summary>
    public void Output(string value, string name, DataType type, params object[] dims)
    {
        Graph.Node.Add(new NodeProto { OpType = "Identity", Name = name + "/Identity", Input = { value }, Output = { name } });
        Graph.Output.Add(ValueInfo(name, type, dims));
    }

    /// <summary>A float32 initializer of the given shape.</summary>
    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).CopyTo(bytes);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        Graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)DataType.Float, Dims = { dims }, RawData = ByteString.CopyFrom(bytes) });
        return name;
    }

    /// <summary>A shared 1-D int64 constant (shapes, axes, split sizes, indices).</summary>
    public string Int64s(params long[] values) => Constant("i64:" + string.Join(',', values), name =>
        new TensorProto { Name = name, DataType = (int)DataType.Int64, Dims = { values.Length }, Int64Data = { values } });

    /// <summary>A shared int64 scalar constant.</summary>
    public string Int64Scalar(long value) => Constant("i64s:" + value, name =>
        new TensorProto { Name = name, DataType = (int)DataType.Int64, Int64Data = { value } });

    /// <summary>A shared float32 scalar constant.</summary>
    public string FloatScalar(float value) => Constant("f32s:" + BitConverter.SingleToInt32Bits(value), name =>
        new TensorProto { Name = name, DataType = (int)DataType.Float, FloatData = { value } });

    private string Constant(string key, Func<string, TensorProto> create)
    {
        if (_constants.TryGetValue(key, out var name)) return name;
        name = "const_" + _constants.Count;
        Graph.Initializer.Add(create(name));
        _constants[key] = name;
        return name;
    }

    /// <summary>Adds a node with <paramref name="outputs"/> outputs and returns their names.</summary>
    public string[] Node(string opType, int outputs, string[] inputs, params AttributeProto[] attributes)
    {
        string name = (Scope.Length == 0 ? "" : Scope + "/") + opType + "_" + _next++;
        var node = new NodeProto { OpType = opType, Name = name, Input = { inputs }, Attribute = { attributes } };
        var names = Enumerable.Range(0, outputs).Select(i => name + ":" + i).ToArray();
        node.Output.Add(names);
        Graph.Node.Add(node);
        return names;
    }

    public string Node(string opType, string[] inputs, params AttributeProto[] attributes) => Node(opType, 1, inputs, attributes)[0];

    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    public static AttributeProto Attribute(string name, long[] values) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    // Operators, one line each.
    public string Add(string a, string b) => Node("Add", new[] { a, b });
    public string Mul(string a, string b) => Node("Mul", new[] { a, b });
    public string MatMul(string a, string b) => Node("MatMul", new[] { a, b });
    public string Neg(string x) => Node("Neg", new[] { x });
    public string Sigmoid(string x) => Node("Sigmoid", new[] { x });
    public string Sqrt(string x) => Node("Sqrt", new[] { x });
    public string Reciprocal(string x) => Node("Reciprocal", new[] { x });
    public string Gather(string data, string indices, long axis = 0) => Node("Gather", new[] { data, indices }, Attribute("axis", axis));
    public string Concat(long axis, params string[] inputs) => Node("Concat", inputs, Attribute("axis", axis));
    public string Reshape(string x, params long[] shape) => Node("Reshape", new[] { x, Int64s(shape) });
    public string Transpose(string x, params long[] perm) => Node("Transpose", new[] { x }, Attribute("perm", perm));
    public string Softmax(string x, long axis) => Node("Softmax", new[] { x }, Attribute("axis", axis));
    public string ArgMax(string x, long axis) => Node("ArgMax", new[] { x }, Attribute("axis", axis), Attribute("keepdims", 0));
    public string Unsqueeze(string x, long axis) => Node("Unsqueeze", new[] { x, Int64s(axis) });
    public string[] SplitInto(string x, long axis, params long[] sizes) => Node("Split", sizes.Length, new[] { x, Int64s(sizes) }, Attribute("axis", axis));
    public string Slice(string x, long axis, long start, long end) => Node("Slice", new[] { x, Int64s(start), Int64s(end), Int64s(axis) });

    /// <summary>Mean over one axis, kept (axes became an input at opset 18).</summary>
    public string ReduceMean(string x, long axis) => Opset >= 18
        ? Node("ReduceMean", new[] { x, Int64s(axis) }, Attribute("keepdims", 1))
        : Node("ReduceMean", new[] { x }, Attribute("axes", new[] { axis }), Attribute("keepdims", 1));

    private static ValueInfoProto ValueInfo(string name, DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"Dimension {d} is neither a size nor a name.", nameof(dims)),
            });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
