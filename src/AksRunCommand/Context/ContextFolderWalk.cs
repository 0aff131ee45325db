namespace AksRunCommand;

// The files of an attached folder, in ordinal order, with the link rule: a symbolic link is followed only
// while it stays inside the attached folder; one that leads outside, dangles or loops is an error.
internal static class ContextFolderWalk
{
    public static List<(string Relative, string File)> Files(string root)
    {
        var found = new List<(string, string)>();
        Walk(root, root, string.Empty, new HashSet<string>(StringComparer.Ordinal) { root }, found);
        return found;
    }

    private static void Walk(string root, string directory, string relative, HashSet<string> visited, List<(string, string)> found)
    {
        IEnumerable<FileSystemInfo> children;
        try
        {
            children = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ArgumentException($"Folder '{directory}' cannot be read: {e.Message}", "path", e);
        }

        foreach (var child in children)
        {
            var childRelative = relative.Length == 0 ? child.Name : $"{relative}/{child.Name}";
            var target = child.LinkTarget is null ? child : ResolveInside(root, child, childRelative);
            if (target is DirectoryInfo dir)
            {
                var real = Path.TrimEndingDirectorySeparator(dir.FullName);
                if (!visited.Add(real))
                {
                    throw new ArgumentException($"Symbolic link '{childRelative}' in '{root}' forms a loop (it leads back to '{real}').", "path");
                }

                Walk(root, real, childRelative, visited, found);
                visited.Remove(real);
            }
            else if (target is FileInfo)
            {
                FileKind.EnsureRegular(target.FullName, $"{root}/{childRelative}", "path");
                found.Add((childRelative, target.FullName));
            }
        }
    }

    private static FileSystemInfo ResolveInside(string root, FileSystemInfo link, string relative)
    {
        FileSystemInfo? target;
        try
        {
            target = link.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"Symbolic link '{relative}' in '{root}' cannot be resolved (a loop or too many levels): {e.Message}", "path", e);
        }

        if (target is null || !target.Exists)
        {
            throw new ArgumentException($"Symbolic link '{relative}' in '{root}' points at '{link.LinkTarget}', which does not exist.", "path");
        }

        var full = Path.GetFullPath(target.FullName);
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && full != root)
        {
            throw new ArgumentException($"Symbolic link '{relative}' in '{root}' leads outside the attached folder (to '{full}'); only links inside it are followed.", "path");
        }

        return Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
    }
}
