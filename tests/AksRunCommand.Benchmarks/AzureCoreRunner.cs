using System.Net;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AksRunCommand.Benchmarks;

/// <summary>
/// The same run through Azure.Core's HttpPipeline with its default policies and its bearer token policy (what
/// Azure SDK clients use), doing the facade's protocol work: status, Location, Retry-After, state, six fields.
/// </summary>
public sealed class AzureCoreRunner : IRunner
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    private readonly TimeSpan _pollDelay;

    public AzureCoreRunner(Uri endpoint, HttpMessageHandler transport, TokenCredential credential, TimeSpan pollDelay = default)
    {
        _endpoint = endpoint;
        _pollDelay = pollDelay;
        var http = new HttpClient(transport) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        var options = new BenchClientOptions { Transport = new HttpClientTransport(http) };
        _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, "https://management.azure.com/.default"));
    }

    public async Task<string> RunAsync(string command)
    {
        string id;
        using (var post = _pipeline.CreateRequest())
        {
            post.Method = RequestMethod.Post;
            post.Uri.Reset(_endpoint);
            post.Uri.AppendPath(LoopbackArmServer.ClusterPath + "/runCommand", escape: false);
            post.Uri.AppendQuery("api-version", AksRunCommandClientOptions.DefaultApiVersion);
            post.Headers.Add("Content-Type", "application/json");
            post.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new RawRequest(command), RawJson.Default.RawRequest));
            using var accepted = await _pipeline.SendRequestAsync(post, CancellationToken.None);
            if (accepted.Status is not (201 or 202))
            {
                throw new InvalidOperationException($"POST answered {accepted.Status}");
            }

            accepted.Headers.TryGetValue("Location", out var location);
            id = ArmProtocol.CommandId(location is null ? null : new Uri(location));
            _ = RetryAfter(accepted);
        }

        while (true)
        {
            if (_pollDelay > TimeSpan.Zero)
            {
                await Task.Delay(_pollDelay);
            }

            using var get = _pipeline.CreateRequest();
            get.Method = RequestMethod.Get;
            get.Uri.Reset(_endpoint);
            get.Uri.AppendPath(LoopbackArmServer.ClusterPath + "/commandResults/", escape: false);
            get.Uri.AppendPath(id);
            get.Uri.AppendQuery("api-version", AksRunCommandClientOptions.DefaultApiVersion);
            using var response = await _pipeline.SendRequestAsync(get, CancellationToken.None);
            switch (response.Status)
            {
                case 200:
                    var result = JsonSerializer.Deserialize(response.Content.ToMemory().Span, RawJson.Default.RawResult)!;
                    return result.Properties!.Logs ?? string.Empty;
                case 202:
                    using (var document = JsonDocument.Parse(response.Content.ToMemory()))
                    {
                        _ = document.RootElement.GetProperty("properties").GetProperty("provisioningState").GetString();
                    }

                    _ = RetryAfter(response);
                    break;
                default:
                    throw new InvalidOperationException($"GET answered {response.Status}");
            }
        }
    }

    private static TimeSpan RetryAfter(Response response) =>
        response.Headers.TryGetValue("Retry-After", out var value) && double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;

    private sealed class BenchClientOptions : ClientOptions;
}
