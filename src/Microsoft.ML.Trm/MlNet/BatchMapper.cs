using Microsoft.ML.Data;

namespace Microsoft.ML.Trm.MlNet;

/// <summary>
/// The reusable core of a transformer that reads some input columns, computes some output columns for a whole
/// batch of rows at once, and appends them. A subclass supplies only: which input columns it reads
/// (<see cref="SourceColumns"/>) and how they must look (<see cref="CheckInputSchema"/>), how one row is read
/// (<see cref="CreateReader"/>), the output columns (<see cref="OutputColumns"/>) and the batch computation
/// (<see cref="Compute"/>). The mapper then provides the output schema, a lazy batched <see cref="IDataView"/>
/// (one <see cref="Compute"/> call per <see cref="BatchSize"/> rows) and an <see cref="IRowToRowMapper"/> for
/// <c>PredictionEngine</c> (batches of one row).
/// </summary>
/// <remarks>
/// Thread safety: several cursors over the same mapper may run at once. Unless <see cref="IsComputeThreadSafe"/> is
/// overridden to return true, the mapper serializes <see cref="Compute"/> calls with a lock (right for a TorchSharp
/// module); readers are created per cursor and need no lock.
/// </remarks>
/// <typeparam name="TIn">What is read from one input row.</typeparam>
/// <typeparam name="TOut">What is computed for one row; the output columns extract their values from it.</typeparam>
internal abstract class BatchMapper<TIn, TOut> : IBatchMapper
{
    private readonly object _computeLock = new();
    private int _computeCalls;

    /// <summary>Creates a mapper that computes up to <paramref name="batchSize"/> rows per call.</summary>
    protected BatchMapper(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        BatchSize = batchSize;
    }

    /// <summary>Rows per <see cref="Compute"/> call in <see cref="Transform"/> (the last batch may be smaller).</summary>
    public int BatchSize { get; }

    /// <summary>Number of <see cref="Compute"/> calls so far (for tests and diagnostics).</summary>
    public int ComputeCalls => Volatile.Read(ref _computeCalls);

    /// <summary>Input columns that <see cref="CreateReader"/> reads; they are activated whenever an output is needed.</summary>
    public abstract IReadOnlyList<string> SourceColumns { get; }

    /// <summary>The appended columns, in order.</summary>
    public abstract IReadOnlyList<BatchOutputColumn<TOut>> OutputColumns { get; }

    /// <summary>True when <see cref="Compute"/> may run concurrently; false (default) makes the mapper lock around it.</summary>
    protected virtual bool IsComputeThreadSafe => false;

    /// <summary>Throws (use <see cref="ColumnRequirement"/>) when the input schema lacks or mistypes a source column.</summary>
    public abstract void CheckInputSchema(DataViewSchema inputSchema);

    /// <summary>Returns a function reading the current <typeparamref name="TIn"/> of <paramref name="row"/> (source columns active).</summary>
    public abstract Func<TIn> CreateReader(DataViewRow row);

    /// <summary>Computes one <typeparamref name="TOut"/> per input, in order.</summary>
    protected abstract TOut[] Compute(IReadOnlyList<TIn> batch);

    /// <summary>Runs <see cref="Compute"/> (under the lock unless thread safe), counts it, and checks the result size.</summary>
    internal TOut[] RunBatch(IReadOnlyList<TIn> batch)
    {
        TOut[] results;
        if (IsComputeThreadSafe)
            results = Compute(batch);
        else
            lock (_computeLock)
                results = Compute(batch);
        Interlocked.Increment(ref _computeCalls);
        if (results.Length != batch.Count)
            throw new InvalidOperationException($"{GetType().Name}.Compute returned {results.Length} results for {batch.Count} rows.");
        return results;
    }

    /// <summary>Checks the input and returns it with the output columns appended.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInputSchema(inputSchema);
        return SchemaShapes.Append(inputSchema, OutputColumns.Select(c => (c.Name, c.Type)));
    }

    /// <summary>Lazy: nothing is computed until a cursor moves.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchDataView<TIn, TOut>(this, input);
    }

    /// <summary>The row-at-a-time path used by <c>PredictionEngine</c> and <c>TransformerChain.GetRowToRowMapper</c>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new BatchRowMapper<TIn, TOut>(this, inputSchema);
    }
}

/// <summary>The untyped face of a <see cref="BatchMapper{TIn, TOut}"/>, for transformers that hold one of several kinds.</summary>
internal interface IBatchMapper
{
    /// <summary>Number of batch computations so far.</summary>
    int ComputeCalls { get; }

    /// <summary>Checks the input and returns it with the output columns appended.</summary>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>Lazy: nothing is computed until a cursor moves.</summary>
    IDataView Transform(IDataView input);

    /// <summary>The row-at-a-time path used by <c>PredictionEngine</c>.</summary>
    IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema);
}
