using AksRunCommand.Generated;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AksRunCommand.ContractTests;

/// <summary>
/// A fake ARM on loopback for the managedClusters reads (get, list by subscription, list by resource group), which
/// FakeAks does not serve, and the generated client pointed at it: the wire contract of the generated reads.
/// </summary>
internal sealed class ClusterReadsServer : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly HttpClient _http = new();

    /// <summary>The server's base URL, e.g. http://127.0.0.1:41234.</summary>
    public string Url => _server.Url!;

    /// <summary>Every request received, in order: method, path as sent, query string.</summary>
    public IReadOnlyList<(string Method, string Path, string Query)> Requests =>
        [.. _server.LogEntries.Select(e => e.RequestMessage!).Select(r => (r.Method, new Uri(r.Url).AbsolutePath, new Uri(r.Url).Query))];

    /// <summary>Answers a GET of <paramref name="path"/> (with a <c>$skipToken</c> of <paramref name="skipToken"/> when given) with the JSON body, verbatim.</summary>
    public void Answer(string path, int status, string body, string? skipToken = null)
    {
        var request = Request.Create().WithPath(path).UsingGet();
        _server.Given(skipToken is null ? request : request.WithParam("$skipToken", skipToken))
            .AtPriority(skipToken is null ? 10 : 1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
    }

    public BaseAksRunCommandClient CreateClient() =>
        new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: _http) { BaseUrl = Url });

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _http.Dispose();
    }
}
