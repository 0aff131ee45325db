using Microsoft.Kiota.Abstractions;

namespace AksRunCommand.Http;

/// <summary>
/// Marks a run request (the POST) so that it reaches the network at most once. Kiota copies request options
/// into <see cref="HttpRequestMessage.Options"/> by reference, so every copy a handler makes of the request (a
/// retry, a redirect, a hedge) shares this one guard; <see cref="RunRequestGuardHandler"/>, the innermost
/// handler, counts the sends and refuses a second one, unless every answer before it was a 401 (which
/// proves the service did not accept the request, as after a claims challenge).
/// </summary>
internal sealed class RunRequestGuard : IRequestOption
{
    public static readonly HttpRequestOptionsKey<IRequestOption> Key = new(typeof(RunRequestGuard).FullName!);

    private readonly Lock _gate = new();
    private readonly List<int> _answers = [];
    private int _sends;

    /// <summary>The status of each answer that arrived, in order (0: none, the connection broke).</summary>
    public IReadOnlyList<int> Answers
    {
        get
        {
            lock (_gate)
            {
                return [.. _answers];
            }
        }
    }

    /// <summary>How many times a handler tried to send the request.</summary>
    public int Sends => Volatile.Read(ref _sends);

    /// <summary>True when this send may go out: the first, or one after nothing but 401s.</summary>
    public bool TryBeginSend()
    {
        lock (_gate)
        {
            _sends++;
            return _sends == 1 || (_answers.Count == _sends - 1 && _answers.TrueForAll(status => status == 401));
        }
    }

    public void Answered(int status)
    {
        lock (_gate)
        {
            _answers.Add(status);
        }
    }
}
