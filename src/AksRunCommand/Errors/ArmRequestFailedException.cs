namespace AksRunCommand;

/// <summary>ARM answered a request with an error, or gave no usable answer.</summary>
public class ArmRequestFailedException : AksRunCommandException
{
    /// <summary>Creates the exception.</summary>
    public ArmRequestFailedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ArmRequestFailedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ArmRequestFailedException(string message)
        : base(message)
    {
    }

    /// <summary>The HTTP status; 0 when no response arrived.</summary>
    public int Status { get; init; }

    /// <summary>The ARM error code (<c>error.code</c>), for example <c>ResourceNotFound</c> or <c>MissingAADClusterToken</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The ARM error message (<c>error.message</c>).</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The ARM error target (<c>error.target</c>).</summary>
    public string? Target { get; init; }

    /// <summary>The ARM error details.</summary>
    public IReadOnlyList<ArmErrorDetail> Details { get; init; } = [];

    /// <summary>The <c>x-ms-request-id</c> response header, for support requests.</summary>
    public string? RequestId { get; init; }

    /// <summary>The <c>x-ms-correlation-request-id</c> response header, for support requests.</summary>
    public string? CorrelationRequestId { get; init; }

    /// <summary>
    /// True when a run request was sent but no definitive answer came back (5xx, timeout, broken
    /// connection): the command may or may not have started, and it was not sent again.
    /// </summary>
    public bool CommandMayHaveStarted { get; init; }
}
