namespace BitrixRetailCrm.Tests;

public static class TestPaths
{
    /// <summary>
    /// Verbatim copies of the ../shared/reference samples the tests read, kept under TestData/reference with the same
    /// layout so the suite does not depend on where the clone sits.
    /// </summary>
    public static string SharedReference => Path.Combine(AppContext.BaseDirectory, "TestData", "reference");
}
