namespace AksRunCommand.Tests.Shared;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds Kiota.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Kiota.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Kiota.sln not found above " + AppContext.BaseDirectory);
    }
}
