namespace AksRunCommand;

/// <summary>The base of every error the facade raises about a command (ARM errors, failed commands).</summary>
public class AksRunCommandException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AksRunCommandException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AksRunCommandException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public AksRunCommandException(string message)
        : base(message)
    {
    }

    /// <summary>The command id, when one was assigned.</summary>
    public string? CommandId { get; init; }
}
