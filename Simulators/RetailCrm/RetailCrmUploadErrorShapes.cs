namespace BitrixRetailCrm.Simulators.RetailCrm;

/// <summary>Picks the shape of each partial upload answer from <see cref="RetailCrmSimulatorOptions.UploadErrorShape"/>.</summary>
internal sealed class RetailCrmUploadErrorShapes(RetailCrmSimulatorOptions options)
{
    private int partialAnswers;

    public RetailCrmUploadErrorShape Next() => options.UploadErrorShape switch
    {
        RetailCrmUploadErrorShape.Alternate => Interlocked.Increment(ref partialAnswers) % 2 == 1
            ? RetailCrmUploadErrorShape.Object
            : RetailCrmUploadErrorShape.Array,
        var fixedShape => fixedShape,
    };
}
