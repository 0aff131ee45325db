using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// The physical floor, doing the same work as the facade and no more: a token from the credential, cached
/// until near its expiry, in a header per request; HTTP/2 over TLS; the status checked; the id from Location;
/// Retry-After as a floor; a 202's state read; the 200's six fields mapped. HttpClient and source-generated
/// System.Text.Json only.
/// </summary>
public sealed class RawRunner(Uri endpoint, HttpClient http, TokenCredential credential) : IRunner
{
    private static readonly string[] Scope = ["https://management.azure.com/.default"];
    private readonly string _runUrl = endpoint.GetLeftPart(UriPartial.Authority) + LoopbackArmServer.ClusterPath + "/runCommand?api-version=" + AksRunCommandClientOptions.DefaultApiVersion;
    private readonly string _resultsUrl = endpoint.GetLeftPart(UriPartial.Authority) + LoopbackArmServer.ClusterPath + "/commandResults/";
    private AccessToken _token;

    public Task<string> RunAsync(string command) => RunAsync(command, TimeSpan.Zero);

    public async Task<string> RunAsync(string command, TimeSpan pollDelay)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, _runUrl) { Content = JsonContent(new RawRequest(command)) };
        await AuthorizeAsync(post);
        string id;
        TimeSpan delay;
        using (var accepted = await http.SendAsync(post))
        {
            if (accepted.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.Created))
            {
                throw new InvalidOperationException($"POST answered {(int)accepted.StatusCode}");
            }

            id = ArmProtocol.CommandId(accepted.Headers.Location);
            delay = ArmProtocol.Delay(accepted.Headers.RetryAfter, pollDelay);
        }

        var url = _resultsUrl + Uri.EscapeDataString(id) + "?api-version=" + AksRunCommandClientOptions.DefaultApiVersion;
        while (true)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }

            using var get = new HttpRequestMessage(HttpMethod.Get, url);
            await AuthorizeAsync(get);
            using var response = await http.SendAsync(get);
            var body = await response.Content.ReadAsByteArrayAsync();
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var result = JsonSerializer.Deserialize(body, RawJson.Default.RawResult)!;
                    var p = result.Properties!;
                    return Map(id, p.ProvisioningState, p.ExitCode, p.StartedAt, p.FinishedAt, p.Logs, p.Reason).Logs;
                case HttpStatusCode.Accepted:
                    _ = RunningState(body);
                    delay = ArmProtocol.Delay(response.Headers.RetryAfter, pollDelay);
                    break;
                default:
                    throw new InvalidOperationException($"GET answered {(int)response.StatusCode}");
            }
        }
    }

    private static (string Id, string State, int? ExitCode, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string Logs, string? Reason) Map(
        string id, string? state, int? exitCode, DateTimeOffset? startedAt, DateTimeOffset? finishedAt, string? logs, string? reason) =>
        (id, state ?? string.Empty, exitCode, startedAt, finishedAt, logs ?? string.Empty, reason);

    private static string? RunningState(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("properties", out var p) && p.TryGetProperty("provisioningState", out var s) ? s.GetString() : null;
    }

    private async ValueTask AuthorizeAsync(HttpRequestMessage request)
    {
        if (_token.ExpiresOn < DateTimeOffset.UtcNow.AddMinutes(5))
        {
            _token = await credential.GetTokenAsync(new TokenRequestContext(Scope), CancellationToken.None);
        }

        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token.Token);
    }

    private static ByteArrayContent JsonContent(RawRequest request)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, RawJson.Default.RawRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
