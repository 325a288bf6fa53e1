using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// Row-at-a-time path (PredictionEngine, <c>TransformerChain.GetRowToRowMapper</c>): computes batches of one row, on
/// first access to an output getter, cached per input <see cref="DataViewRow.Position"/> (PredictionEngine bumps the
/// position on every Predict).
/// </summary>
internal sealed class BatchRowMapper<TIn, TOut> : IRowToRowMapper
{
    private readonly BatchMapper<TIn, TOut> _mapper;

    public BatchRowMapper(BatchMapper<TIn, TOut> mapper, DataViewSchema inputSchema)
    {
        _mapper = mapper;
        InputSchema = inputSchema;
        OutputSchema = mapper.GetOutputSchema(inputSchema);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var requested = dependingColumns.ToList();
        int inputCount = InputSchema.Count;
        var dependencies = requested.Where(c => c.Index < inputCount).Select(c => InputSchema[c.Index]);
        if (requested.Any(c => c.Index >= inputCount))
            dependencies = dependencies.Concat(_mapper.SourceColumns.Select(name => InputSchema[name]));
        return dependencies.DistinctBy(c => c.Index).ToList();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        => new MappedRow(this, input, activeColumns.Select(c => c.Index).ToHashSet());

    private sealed class MappedRow : DataViewRow
    {
        private readonly BatchRowMapper<TIn, TOut> _parent;
        private readonly DataViewRow _input;
        private readonly HashSet<int> _active;
        private readonly Func<TIn>? _reader;
        private long _cachedPosition = -1;
        private TOut? _result;

        public MappedRow(BatchRowMapper<TIn, TOut> parent, DataViewRow input, HashSet<int> active)
        {
            _parent = parent;
            _input = input;
            _active = active;
            if (active.Any(i => i >= parent.InputSchema.Count))
                _reader = parent._mapper.CreateReader(input);
        }

        public override DataViewSchema Schema => _parent.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active.Contains(column.Index))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the row was created.");
            int inputCount = _parent.InputSchema.Count;
            if (column.Index < inputCount)
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            return _parent._mapper.OutputColumns[column.Index - inputCount].CreateGetter(Current) as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        private TOut Current()
        {
            if (_cachedPosition != _input.Position || _cachedPosition < 0)
            {
                _result = _parent._mapper.RunBatch(new[] { _reader!() })[0];
                _cachedPosition = _input.Position;
            }
            return _result!;
        }
    }
}
