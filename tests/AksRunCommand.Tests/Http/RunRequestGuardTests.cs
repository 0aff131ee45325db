using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Http;

// The one thing the library must never do is send the run request twice. No handler in the pipeline can make
// it: not Kiota's RetryHandler or RedirectHandler (off per request), not a consumer's standard resilience
// handler (the guard next to the primary handler refuses a second send). Polls stay retryable by anyone.
public sealed class RunRequestGuardTests : IDisposable
{
    private readonly FakeAksFixture _arm = new();

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task StandardResilienceHandler_503OnThePost_OnePostAndMayHaveStarted()
    {
        _arm.Aks.When("ls").OnStart(FakeFault.ServerError(503), times: 10);
        using var provider = Services(http => http.AddStandardResilienceHandler(o => o.Retry.Delay = TimeSpan.Zero));

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => provider.GetRequiredService<AksRunCommandClient>().RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        Assert.Single(_arm.Aks.Runs);
        Assert.Equal(503, error.Status);
        Assert.True(error.CommandMayHaveStarted);
        Assert.Contains("tried to send the runCommand request again after HTTP 503; it was refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandardResilienceHandler_503OnAPoll_IsRetriedByItAndTheCommandCompletes()
    {
        _arm.Aks.When("ls").RunningFor(0).ExitsWith(0, "ok").OnPoll(FakeFault.ServerError(503), times: 2);
        using var provider = Services(http => http.AddStandardResilienceHandler(o => o.Retry.Delay = TimeSpan.Zero));

        var operation = await _arm.Clock.RunAsync(provider.GetRequiredService<AksRunCommandClient>().RunCommandAsync(WaitUntil.Completed, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        Assert.Equal("ok", operation.Value.Logs);
        Assert.Equal([503, 503, 200], _arm.Aks.Polls.Select(p => p.Status));
        Assert.Empty(_arm.Clock.Advanced.Skip(1)); // the resilience handler retried at once; the client's own schedule waited once
    }

    [Fact]
    public async Task KiotaRetryHandler_503OnThePost_NeverTriesToResend()
    {
        _arm.Aks.When("ls").OnStart(FakeFault.ServerError(503), times: 10);
        using var provider = Services(_ => { }); // the DI client carries Kiota's default handlers, RetryHandler among them

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => provider.GetRequiredService<AksRunCommandClient>().RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        Assert.Single(_arm.Aks.Runs);
        Assert.Equal(503, error.Status);
        Assert.DoesNotContain("tried to send", error.Message, StringComparison.Ordinal); // switched off per request, not stopped by the guard
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task KiotaRedirectHandler_RedirectOnThePost_IsNotFollowed(int status)
    {
        _arm.Aks.When("ls").OnStart(FakeFault.Reply(status).WithHeader("Location", _arm.Endpoint + FakeAksFixture.ClusterPath.TrimStart('/') + "/runCommand?api-version=" + AksRunCommandClientOptions.DefaultApiVersion));
        using var provider = Services(_ => { });

        var error = await Assert.ThrowsAsync<ArmRequestFailedException>(() => provider.GetRequiredService<AksRunCommandClient>().RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls")));

        Assert.Single(_arm.Aks.Runs);
        Assert.Equal(status, error.Status);
        Assert.DoesNotContain("tried to send", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimsChallengeOnThePost_IsAnsweredOnceWithAFreshToken()
    {
        using var arm = new FakeAksFixture(o => o.ExpectedBearerToken = null);
        var challenge = "Bearer realm=\"\", error=\"insufficient_claims\", claims=\"" + Convert.ToBase64String("{\"access_token\":{}}"u8) + "\"";
        arm.Aks.When("ls").OnStart(FakeFault.ArmError(401, "InvalidAuthenticationToken", "claims needed").WithHeader("WWW-Authenticate", challenge));
        var credential = new CountingCredential(arm.Clock);
        var client = new AksRunCommandClient(credential, new AksRunCommandClientOptions { Endpoint = arm.Endpoint, TimeProvider = arm.Clock, Transport = arm.Clock.HoldDuringRequests() });

        var operation = await client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent("ls"));

        Assert.Equal([401, 202], arm.Aks.Runs.Select(r => r.Status)); // a 401 proves the command was not accepted: the one resend the guard allows
        Assert.Equal(arm.Aks.Runs[1].CommandId, operation.Id);
        Assert.Equal(2, credential.Calls);
    }

    private ServiceProvider Services(Action<IHttpClientBuilder> configureHttp)
    {
        var services = new ServiceCollection().AddSingleton<TokenCredential>(_arm.Credential);
        var http = services.AddAksRunCommandClient(o =>
        {
            o.Endpoint = _arm.Endpoint;
            o.TimeProvider = _arm.Clock; // the client's waits are virtual; the resilience handler's (zero) are real
        });
        http.ConfigurePrimaryHttpMessageHandler(() => _arm.Clock.HoldDuringRequests()); // the guard still goes next to it
        configureHttp(http);
        return services.BuildServiceProvider();
    }
}
