namespace AksRunCommand;

// The Azure CLI's `az aks command invoke --file` semantics, which users already know: '.' attaches the
// working folder recursively with relative paths, a file goes flat under its own name, a folder
// recursively under its own name, and '.' mixed with anything else is an error.
internal static class AzureCliFileArguments
{
    public static CommandContextBuilder Attach(CommandContextBuilder builder, IEnumerable<string> paths, string? workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var list = paths.ToList();
        var cwd = Path.GetFullPath(workingDirectory ?? Directory.GetCurrentDirectory());
        if (list.Contains("."))
        {
            if (list.Count > 1)
            {
                throw new ArgumentException($"'.' attaches the whole current folder and cannot be combined with other files ({string.Join(", ", list.Where(p => p != "."))}).", nameof(paths));
            }

            return builder.AddDirectory(cwd);
        }

        foreach (var path in list)
        {
            var full = Path.GetFullPath(path, cwd);
            if (Directory.Exists(full))
            {
                builder.AddDirectory(full, Path.GetFileName(Path.TrimEndingDirectorySeparator(full)));
            }
            else
            {
                builder.AddFile(full);
            }
        }

        return builder;
    }
}
