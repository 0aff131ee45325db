namespace AksRunCommand;

/// <summary>One entry of an ARM error's <c>details</c>.</summary>
/// <param name="Code">The error code.</param>
/// <param name="Message">The message.</param>
/// <param name="Target">The target, when given.</param>
public sealed record ArmErrorDetail(string? Code, string? Message, string? Target);
