namespace AksRunCommand.Benchmarks;

/// <summary>One complete run: POST, poll until 200, read the result. Each implementation returns the logs.</summary>
public interface IRunner
{
    Task<string> RunAsync(string command);
}
