namespace AksRunCommand.Http;

/// <summary>
/// The innermost handler of every pipeline the client builds: whatever retry, redirect or resilience handler
/// sits outside it, a run request marked with <see cref="RunRequestGuard"/> goes out once. A second send is
/// refused with <see cref="RunRequestResendRefusedException"/>, which no standard handler retries.
/// </summary>
internal sealed class RunRequestGuardHandler : DelegatingHandler
{
    public RunRequestGuardHandler()
    {
    }

    public RunRequestGuardHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(RunRequestGuard.Key, out var option) || option is not RunRequestGuard guard)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (!guard.TryBeginSend())
        {
            throw new RunRequestResendRefusedException(guard.Answers);
        }

        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            guard.Answered((int)response.StatusCode);
            return response;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            guard.Answered(0);
            throw;
        }
    }
}
