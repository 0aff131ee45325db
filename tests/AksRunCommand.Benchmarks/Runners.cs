using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AksRunCommand.Benchmarks;

/// <summary>One complete run: POST, poll until 200, parse the result. Each implementation returns the logs.</summary>
public interface IRunner
{
    Task<string> RunAsync(string command);
}

public sealed class FacadeRunner(Uri endpoint, HttpClient http) : IRunner
{
    private static readonly ClusterId Cluster = new("00000000-0000-0000-0000-000000000000", "rg1", "aks1");
    private readonly AksRunCommandClient _client = new(new StaticToken(), new AksRunCommandClientOptions
    {
        Endpoint = endpoint,
        HttpClient = http,
        Polling = PollingStrategy.Fixed(TimeSpan.Zero),
    });

    public async Task<string> RunAsync(string command)
    {
        var operation = await _client.RunCommandAsync(Azure.WaitUntil.Started, Cluster, new RunCommandContent(command));
        var result = await operation.WaitForCompletionAsync();
        return result.Logs;
    }
}

/// <summary>The physical floor: HttpClient and source-generated System.Text.Json, nothing else.</summary>
public sealed class RawRunner(Uri endpoint, HttpClient http) : IRunner
{
    private readonly string _runUrl = endpoint.GetLeftPart(UriPartial.Authority) + LoopbackArmServer.ClusterPath + "/runCommand?api-version=2024-02-01";
    private readonly string _resultsUrl = endpoint.GetLeftPart(UriPartial.Authority) + LoopbackArmServer.ClusterPath + "/commandResults/";
    private readonly AuthenticationHeaderValue _auth = new("Bearer", StaticToken.Value);

    public bool Http2 { get; init; }

    public Task<string> RunAsync(string command) => RunAsync(command, TimeSpan.Zero);

    public async Task<string> RunAsync(string command, TimeSpan pollDelay)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, _runUrl) { Content = JsonContent(new RawRequest(command)) };
        post.Headers.Authorization = _auth;
        AskForHttp2(post);
        string id;
        using (var accepted = await http.SendAsync(post))
        {
            var location = accepted.Headers.Location!.AbsolutePath;
            id = location[(location.LastIndexOf('/') + 1)..];
        }

        var url = _resultsUrl + id + "?api-version=2024-02-01";
        while (true)
        {
            if (pollDelay > TimeSpan.Zero)
            {
                await Task.Delay(pollDelay);
            }

            using var get = new HttpRequestMessage(HttpMethod.Get, url);
            get.Headers.Authorization = _auth;
            AskForHttp2(get);
            using var response = await http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
            if ((int)response.StatusCode == 200)
            {
                await using var stream = await response.Content.ReadAsStreamAsync();
                var result = await JsonSerializer.DeserializeAsync(stream, RawJson.Default.RawResult);
                return result!.Properties.Logs;
            }

            await response.Content.CopyToAsync(Stream.Null);
        }
    }

    private void AskForHttp2(HttpRequestMessage request)
    {
        if (Http2)
        {
            request.Version = System.Net.HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
    }

    private static ByteArrayContent JsonContent(RawRequest request)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, RawJson.Default.RawRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}

/// <summary>The same run through Azure.Core's HttpPipeline with its default policies (what Azure SDK clients use).</summary>
public sealed class AzureCoreRunner : IRunner
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    public AzureCoreRunner(Uri endpoint, HttpClient http)
    {
        _endpoint = endpoint;
        var options = new BenchClientOptions { Transport = new HttpClientTransport(http) };
        options.Retry.MaxRetries = 0;
        _pipeline = HttpPipelineBuilder.Build(options, new BearerHeaderPolicy());
    }

    public async Task<string> RunAsync(string command)
    {
        string id;
        using (var post = _pipeline.CreateRequest())
        {
            post.Method = RequestMethod.Post;
            post.Uri.Reset(_endpoint);
            post.Uri.AppendPath(LoopbackArmServer.ClusterPath + "/runCommand", escape: false);
            post.Uri.AppendQuery("api-version", "2024-02-01");
            post.Headers.Add("Content-Type", "application/json");
            post.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new RawRequest(command), RawJson.Default.RawRequest));
            using var accepted = await _pipeline.SendRequestAsync(post, CancellationToken.None);
            accepted.Headers.TryGetValue("Location", out var location);
            id = location![(location!.LastIndexOf('/') + 1)..location.IndexOf('?', StringComparison.Ordinal)];
        }

        while (true)
        {
            using var get = _pipeline.CreateRequest();
            get.Method = RequestMethod.Get;
            get.Uri.Reset(_endpoint);
            get.Uri.AppendPath(LoopbackArmServer.ClusterPath + "/commandResults/", escape: false);
            get.Uri.AppendPath(id);
            get.Uri.AppendQuery("api-version", "2024-02-01");
            using var response = await _pipeline.SendRequestAsync(get, CancellationToken.None);
            if (response.Status == 200)
            {
                var result = await JsonSerializer.DeserializeAsync(response.ContentStream!, RawJson.Default.RawResult);
                return result!.Properties.Logs;
            }
        }
    }

    private sealed class BenchClientOptions : ClientOptions;

    private sealed class BearerHeaderPolicy : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("Authorization", "Bearer " + StaticToken.Value);
    }
}

public sealed class StaticToken : TokenCredential
{
    public const string Value = "benchmark-token";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Value, DateTimeOffset.MaxValue);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

public sealed record RawRequest([property: JsonPropertyName("command")] string Command);

public sealed record RawProperties(
    [property: JsonPropertyName("provisioningState")] string ProvisioningState,
    [property: JsonPropertyName("exitCode")] int? ExitCode,
    [property: JsonPropertyName("logs")] string Logs);

public sealed record RawResult([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("properties")] RawProperties Properties);

[JsonSerializable(typeof(RawRequest))]
[JsonSerializable(typeof(RawResult))]
public sealed partial class RawJson : JsonSerializerContext;
