namespace BitrixRetailCrm.Tests.Deployment;

/// <summary>The repository the tests were built from (the folder holding BitrixRetailCrm.slnx).</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BitrixRetailCrm.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no BitrixRetailCrm.slnx above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static bool Exists(string relative) => File.Exists(PathOf(relative)) || Directory.Exists(PathOf(relative));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));
}
