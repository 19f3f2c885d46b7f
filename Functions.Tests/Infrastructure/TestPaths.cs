namespace BitrixRetailCrm.Tests;

public static class TestPaths
{
    /// <summary>The repository's sibling ../shared/reference (CI lays a copy of shared/ beside the clone).</summary>
    public static string SharedReference
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "reference");
                if (Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException("shared/reference not found beside the repository");
        }
    }
}
