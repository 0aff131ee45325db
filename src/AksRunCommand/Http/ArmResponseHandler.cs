using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace AksRunCommand.Http;

// Kiota returns null for a 202 and drops status and headers; this handler keeps what the LRO rules need.
internal sealed class ArmResponseHandler : IResponseHandler
{
    /// <summary>What arrived; empty (status 0) until the adapter handed a response over.</summary>
    public ArmResponse Response { get; private set; } = new(0, null, []);

    public async Task<TModel?> HandleResponseAsync<TNative, TModel>(TNative response, Dictionary<string, ParsableFactory<IParsable>>? errorMappings)
    {
        using var message = response as HttpResponseMessage
            ?? throw new InvalidOperationException("The request adapter must be Kiota's HttpClientRequestAdapter (or hand an HttpResponseMessage to response handlers).");
        var body = await message.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        Response = new ArmResponse((int)message.StatusCode, message.Headers, body);
        return default;
    }
}
