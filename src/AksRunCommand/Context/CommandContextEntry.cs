namespace AksRunCommand;

/// <summary>One file in a command context.</summary>
/// <param name="Name">The relative, '/'-separated name the command sees.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="CompressedLength">Its size in the zip, in bytes.</param>
public sealed record CommandContextEntry(string Name, long Length, long CompressedLength);
