namespace AksRunCommand.Http;

/// <summary>
/// A handler in the HttpClient pipeline tried to send the run request a second time; it was refused. Not an
/// <see cref="HttpRequestException"/>, so resilience handlers do not retry it.
/// </summary>
internal sealed class RunRequestResendRefusedException : Exception
{
    public RunRequestResendRefusedException(IReadOnlyList<int> answers)
        : base($"A handler in the HttpClient pipeline tried to send the runCommand request again after {(answers.Count == 0 ? "no answer" : "HTTP " + string.Join(", ", answers))}; it was refused, because the command may already be running.")
    {
        Answers = answers;
    }

    public RunRequestResendRefusedException()
        : this([])
    {
    }

    public RunRequestResendRefusedException(string message)
        : base(message)
    {
        Answers = [];
    }

    public RunRequestResendRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Answers = [];
    }

    /// <summary>What the service answered to the sends that went out (0: the connection broke).</summary>
    public IReadOnlyList<int> Answers { get; }
}
