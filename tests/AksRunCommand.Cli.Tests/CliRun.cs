using AksRunCommand.Testing;

namespace AksRunCommand.Cli.Tests;

/// <summary>What one in-process run of aks-run gave.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Runs the real tool in-process against a fake AKS on loopback, on a manually driven clock.</summary>
public sealed class CliDriver : IDisposable
{
    public const string Subscription = "11111111-2222-3333-4444-555555555555";
    public const string Token = "cli-token-SENTINEL-4d2c";

    public CliDriver(bool requireToken = true, bool startFake = true, FakeArmThrottling? throttling = null)
    {
        _fake = startFake ? FakeAks.Start(new FakeAksOptions { TimeProvider = Clock, ExpectedBearerToken = requireToken ? Token : null, Throttling = throttling }) : null;
        Environment["AKS_RUN_ACCESS_TOKEN"] = Token;
        WorkingDirectory = Directory.CreateTempSubdirectory("aks-run-cli-").FullName;
    }

    public ManualClock Clock { get; } = new();

    private readonly FakeAks? _fake;

    public FakeAks Fake => _fake ?? throw new InvalidOperationException("This driver was made without a fake.");

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string WorkingDirectory { get; }

    /// <summary>The transport under the clock's hold (default: a plain SocketsHttpHandler), to watch what goes over the wire.</summary>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>What the tool reads from standard input.</summary>
    public string Stdin { get; set; } = string.Empty;

    /// <summary>The flags that point the tool at the fake.</summary>
    public string[] Target => ["--subscription", Subscription, "-g", "rg1", "-n", "aks1", "--endpoint", Fake.Endpoint.ToString()];

    public Task<CliRun> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public async Task<CliRun> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await Clock.RunAsync(AksRunApp.RunAsync(args, Host(stdout, stderr), cancellationToken));
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Runs the tool and cancels it (Ctrl+C) when the clock would pass <paramref name="cancelAfter"/>: the clock is driven
    /// to that point, then the token is cancelled, then it is driven to the end, by this method alone.
    /// </summary>
    public async Task<CliRun> RunCancelledAfterAsync(TimeSpan cancelAfter, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var cancel = new CancellationTokenSource();
        var running = AksRunApp.RunAsync(args, Host(stdout, stderr), cancel.Token);
        await Clock.DriveAsync(running, stopAfter: cancelAfter);
        await cancel.CancelAsync();
        var exitCode = await Clock.RunAsync(running);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    private CliHost Host(StringWriter stdout, StringWriter stderr) =>
        new(stdout, stderr, name => Environment.GetValueOrDefault(name), WorkingDirectory, ErrorIsTerminal: false, Clock, Clock.HoldDuringRequests(Transport), Input: new StringReader(Stdin));

    public string Write(string relative, byte[] content)
    {
        var path = Path.Combine(WorkingDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        _fake?.Dispose();
        Directory.Delete(WorkingDirectory, recursive: true);
    }
}
