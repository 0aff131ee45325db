namespace AksRunCommand.Benchmarks;

/// <summary>The child process that hosts the loopback ARM until its stdin closes.</summary>
public static class ServeMode
{
    public static async Task<int> RunAsync(int runningPolls)
    {
        await using var server = await LoopbackArmServer.StartAsync(runningPolls);
        Console.WriteLine($"endpoint={server.Endpoint} thumbprint={server.Certificate.Thumbprint}");
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
