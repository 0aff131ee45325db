namespace AksRunCommand;

/// <summary>What to run on the cluster: the command, the files it needs, and when to send a cluster token.</summary>
public sealed class RunCommandContent
{
    /// <summary>Creates the content of a run request.</summary>
    /// <param name="command">The command line, for example <c>kubectl apply -f ns.yaml</c>; not empty.</param>
    /// <exception cref="ArgumentException"><paramref name="command"/> is empty or only white space.</exception>
    public RunCommandContent(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ArgumentException("command must not be empty or white space.", nameof(command));
        }

        Command = command;
    }

    /// <summary>The command line.</summary>
    public string Command { get; }

    /// <summary>The files the command needs, built with <see cref="CommandContextBuilder"/> or taken from base64; null for none.</summary>
    public CommandContext? Context { get; set; }

    /// <summary>When to send a cluster token; default <see cref="ClusterTokenMode.Auto"/>.</summary>
    public ClusterTokenMode ClusterToken { get; set; } = ClusterTokenMode.Auto;

    /// <summary>The command and the size of the context; never a token.</summary>
    public override string ToString() => Context is null ? Command : $"{Command} (context: {Context.EncodedLength} base64 characters)";
}
