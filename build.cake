// AksRunCommand build: regenerate the Kiota client from spec/, check it, build, test, pack.
// Sections: arguments, constants, private __ tasks, public tasks, RunTarget, helpers.
using System.Text.Json;
using System.Text.Json.Nodes;

///////////////////////////////////////////////////////////////////////////////
// ARGUMENTS
///////////////////////////////////////////////////////////////////////////////

var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");

///////////////////////////////////////////////////////////////////////////////
// CONSTANTS
///////////////////////////////////////////////////////////////////////////////

var root = MakeAbsolute(Directory("."));
var solution = root.CombineWithFilePath("Kiota.sln");
var artifacts = root.Combine("artifacts");
var testResults = artifacts.Combine("test-results");
var packages = artifacts.Combine("packages");
EnsureDirectoryExists(artifacts.Combine("bench"));
var specFile = "spec/aks-runcommand.json";
var generatedDir = "generated";
var lockFile = root.CombineWithFilePath("kiota-lock.json");
const string FixCommand = "./build.sh --target=Generate";

// Every generator setting lives here and nowhere else; kiota-lock.json records them.
string[] KiotaArguments(string outputDir) => new[]
{
    "generate",
    "--language", "CSharp",
    "--openapi", specFile,
    "--output", outputDir,
    "--class-name", "BaseAksRunCommandClient",
    "--namespace-name", "AksRunCommand.Generated",
    "--exclude-backward-compatible",
    "--clean-output",
    "--serializer", "Microsoft.Kiota.Serialization.Json.JsonSerializationWriterFactory",
    "--deserializer", "Microsoft.Kiota.Serialization.Json.JsonParseNodeFactory",
    "--structured-mime-types", "application/json",
    "--log-level", "Warning",
};

///////////////////////////////////////////////////////////////////////////////
// PRIVATE TASKS
///////////////////////////////////////////////////////////////////////////////

Task("__Clean")
    .Description("Removes test results and packages from earlier runs.")
    .Does(() =>
{
    CleanDirectory(testResults);
    CleanDirectory(packages);
});

///////////////////////////////////////////////////////////////////////////////
// PUBLIC TASKS
///////////////////////////////////////////////////////////////////////////////

Task("Generate")
    .Description("Regenerates generated/ from spec/ with the pinned Kiota (offline) and rewrites the root kiota-lock.json.")
    .Does(() =>
{
    RunKiota(generatedDir);
    MoveLockToRoot(root.Combine(generatedDir), lockFile);
    Information($"Generated {CountFiles(root.Combine(generatedDir))} files into {generatedDir}/ from {specFile}; lock: kiota-lock.json");
});

Task("CheckGenerated")
    .Description("Fails when generated/ or kiota-lock.json differ from what Generate makes from the current spec.")
    .Does(() =>
{
    var problems = new List<string>();
    var pinned = PinnedKiotaVersion();
    if (!FileExists(lockFile))
    {
        problems.Add("kiota-lock.json is missing at the repository root");
    }
    else
    {
        var recorded = JsonNode.Parse(System.IO.File.ReadAllText(lockFile.FullPath))!;
        var recordedVersion = (string?)recorded["kiotaVersion"];
        if (recordedVersion != pinned)
            problems.Add($"kiota-lock.json records kiotaVersion {recordedVersion}, the pinned tool is {pinned}");
    }
    var strayLocks = GetFiles("./**/kiota-lock.json").Where(f => f.FullPath != lockFile.FullPath && !f.FullPath.Contains("/artifacts/") && !f.FullPath.Contains("/bin/") && !f.FullPath.Contains("/obj/") && !f.FullPath.Contains("/tests/")).ToList();
    foreach (var stray in strayLocks)
        problems.Add($"extra lock file {root.GetRelativePath(stray)}: the only lock is kiota-lock.json at the root");

    var fresh = artifacts.Combine("check-generated");
    EnsureDirectoryExists(fresh);
    CleanDirectory(fresh);
    var freshGenerated = fresh.Combine("generated");
    RunKiota(root.GetRelativePath(freshGenerated).FullPath);
    var freshLock = fresh.CombineWithFilePath("kiota-lock.json");
    MoveLockToRoot(freshGenerated, freshLock);
    problems.AddRange(CompareTrees(freshGenerated, root.Combine(generatedDir)));
    if (FileExists(lockFile))
        problems.AddRange(CompareLocks(freshLock, lockFile));

    if (problems.Count > 0)
    {
        foreach (var p in problems) Error("  " + p);
        throw new CakeException($"generated/ is not what the generator makes from {specFile} ({problems.Count} difference(s)). Run '{FixCommand}' and commit the result; never edit generated/ by hand.");
    }
    Information($"generated/ and kiota-lock.json match {specFile} (Kiota {pinned}).");
});

Task("Build")
    .Description("Builds Kiota.sln; warnings are errors in hand-written code.")
    .Does(() =>
{
    DotNetBuild(solution.FullPath, new DotNetBuildSettings
    {
        Configuration = configuration,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("ContinuousIntegrationBuild", "true"),
    });
});

Task("Test")
    .Description("Runs every test project; TRX results go to artifacts/test-results.")
    .IsDependentOn("Build")
    .Does(() =>
{
    EnsureDirectoryExists(testResults);
    CleanDirectory(testResults);
    foreach (var project in GetFiles("./tests/**/*.Tests.csproj").Concat(GetFiles("./tests/**/*.ContractTests.csproj")))
    {
        DotNetTest(project.FullPath, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            ResultsDirectory = testResults,
            Loggers = new[] { $"trx;LogFilePrefix={project.GetFilenameWithoutExtension()}" },
        });
    }
});

Task("Pack")
    .Description("Packs the NuGet packages into artifacts/packages.")
    .IsDependentOn("Build")
    .Does(() =>
{
    EnsureDirectoryExists(packages);
    DotNetPack(solution.FullPath, new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        OutputDirectory = packages,
    });
});

Task("Bench")
    .Description("Runs the benchmarks (BenchmarkDotNet); --quick for a short in-process run. Prints NAME: VALUE UNIT (ratio X vs BASELINE).")
    .Does(() =>
{
    var project = "tests/AksRunCommand.Benchmarks/AksRunCommand.Benchmarks.csproj";
    DotNetBuild(project, new DotNetBuildSettings { Configuration = "Release" });
    var arguments = new ProcessArgumentBuilder();
    if (HasArgument("quick"))
    {
        arguments.Append("--quick");
    }

    DotNetExecute($"tests/AksRunCommand.Benchmarks/bin/Release/net10.0/AksRunCommand.Benchmarks.dll", arguments, new DotNetExecuteSettings { WorkingDirectory = artifacts.Combine("bench") });
});

Task("CI")
    .Description("What CI runs: CheckGenerated, Build, Test, Pack.")
    .IsDependentOn("__Clean")
    .IsDependentOn("CheckGenerated")
    .IsDependentOn("Build")
    .IsDependentOn("Test")
    .IsDependentOn("Pack");

Task("Default")
    .Description("Build and Test.")
    .IsDependentOn("Test");

RunTarget(target);

///////////////////////////////////////////////////////////////////////////////
// HELPERS
///////////////////////////////////////////////////////////////////////////////

void RunKiota(string outputDir)
{
    var kiotaTmp = artifacts.Combine("kiota-tmp");
    EnsureDirectoryExists(kiotaTmp);
    var args = new ProcessArgumentBuilder();
    foreach (var a in KiotaArguments(outputDir)) args.AppendQuoted(a);
    DotNetTool(root.FullPath, "kiota", args, new DotNetToolSettings
    {
        WorkingDirectory = root,
        EnvironmentVariables = new Dictionary<string, string>
        {
            ["KIOTA_OFFLINE_ENABLED"] = "true",
            ["TMPDIR"] = kiotaTmp.FullPath,
            ["KIOTA_TUTORIAL_ENABLED"] = "false",
        },
    });
}

// Kiota writes its lock into the output folder, relative to it; the product keeps one lock at the root.
void MoveLockToRoot(DirectoryPath outputDir, FilePath destination)
{
    var written = outputDir.CombineWithFilePath("kiota-lock.json");
    var node = JsonNode.Parse(System.IO.File.ReadAllText(written.FullPath))!;
    node["descriptionLocation"] = specFile;
    var text = node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    System.IO.File.WriteAllText(destination.FullPath, text);
    DeleteFile(written);
}

string PinnedKiotaVersion()
{
    var manifest = JsonNode.Parse(System.IO.File.ReadAllText(root.CombineWithFilePath("dotnet-tools.json").FullPath))!;
    return (string)manifest["tools"]!["microsoft.openapi.kiota"]!["version"]!;
}

IEnumerable<string> CompareTrees(DirectoryPath expected, DirectoryPath actual)
{
    var exp = ListRelative(expected);
    var act = ListRelative(actual);
    foreach (var missing in exp.Keys.Except(act.Keys).OrderBy(k => k, StringComparer.Ordinal))
        yield return $"missing: generated/{missing}";
    foreach (var extra in act.Keys.Except(exp.Keys).OrderBy(k => k, StringComparer.Ordinal))
        yield return $"extra (not made by the generator): generated/{extra}";
    foreach (var both in exp.Keys.Intersect(act.Keys).OrderBy(k => k, StringComparer.Ordinal))
        if (!System.IO.File.ReadAllBytes(exp[both]).AsSpan().SequenceEqual(System.IO.File.ReadAllBytes(act[both])))
            yield return $"modified: generated/{both}";
}

Dictionary<string, string> ListRelative(DirectoryPath dir) =>
    System.IO.Directory.Exists(dir.FullPath)
        ? System.IO.Directory.EnumerateFiles(dir.FullPath, "*", SearchOption.AllDirectories)
            .ToDictionary(f => System.IO.Path.GetRelativePath(dir.FullPath, f).Replace('\\', '/'), f => f, StringComparer.Ordinal)
        : new Dictionary<string, string>(StringComparer.Ordinal);

// Kiota hashes the parsed description, so the fresh lock is the reference for descriptionHash.
IEnumerable<string> CompareLocks(FilePath expected, FilePath actual)
{
    var exp = JsonNode.Parse(System.IO.File.ReadAllText(expected.FullPath))!.AsObject();
    var act = JsonNode.Parse(System.IO.File.ReadAllText(actual.FullPath))!.AsObject();
    foreach (var (key, value) in exp)
    {
        if (JsonNode.DeepEquals(value, act[key])) continue;
        yield return key == "descriptionHash"
            ? $"kiota-lock.json descriptionHash is stale: {specFile} changed since the last Generate"
            : $"kiota-lock.json {key} is {act[key]?.ToJsonString() ?? "missing"}, Generate writes {value?.ToJsonString()}";
    }
    foreach (var key in act.Select(p => p.Key).Except(exp.Select(p => p.Key)))
        yield return $"kiota-lock.json has a field Generate does not write: {key}";
}

int CountFiles(DirectoryPath dir) => ListRelative(dir).Count;
