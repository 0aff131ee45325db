// AksRunCommand build: regenerate the Kiota client from spec/, check it, build, test, pack.
// Sections: arguments, constants, private __ tasks, public tasks, RunTarget, helpers.
using System.Text.Json;
using System.Text.Json.Nodes;

///////////////////////////////////////////////////////////////////////////////
// ARGUMENTS
///////////////////////////////////////////////////////////////////////////////

var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");
var upstream = Argument<string>("upstream", null);

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
var importTool = "src/AksRunCommand.SpecImport/AksRunCommand.SpecImport.csproj";
var upstreamTestData = root.Combine("tests/AksRunCommand.SpecImport.Tests/upstream/specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable");
var version = XmlPeek("Directory.Build.props", "/Project/PropertyGroup/VersionPrefix");

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
        var recordedVersion = (string)recorded["kiotaVersion"];
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

Task("ImportSpec")
    .Description("Rewrites spec/ from an upstream managedClusters.json (--upstream=PATH, inside an azure-rest-api-specs layout), then regenerates.")
    .Does(() =>
{
    if (string.IsNullOrEmpty(upstream))
        throw new CakeException("ImportSpec needs --upstream=PATH to .../Microsoft.ContainerService/aks/stable/<api-version>/managedClusters.json");
    ImportInto(root, MakeAbsolute(File(upstream)).FullPath);
    RunKiota(generatedDir);
    MoveLockToRoot(root.Combine(generatedDir), lockFile);
    Information("spec/ and generated/ now follow " + upstream + ". Review git diff, run ./build.sh --target=ApiDiff ... and the CI target.");
});

Task("UpdateApi")
    .Description("Rewrites src/*/PublicAPI.txt from the built assemblies, after a reviewed change of the public surface.")
    .IsDependentOn("Build")
    .Does(() =>
{
    RunPublicApiTests(root, update: true);
});

Task("ApiDiff")
    .Description("Prints what importing --upstream=PATH (default: the stored 2025-10-01 file) would add to, remove from or change in the public API.")
    .Does(() =>
{
    var source = string.IsNullOrEmpty(upstream) ? upstreamTestData.CombineWithFilePath("2025-10-01/managedClusters.json").FullPath : MakeAbsolute(File(upstream)).FullPath;
    var copy = CopyOfRepository("api-diff");
    ImportInto(copy, source);
    RunIn(copy, copy.CombineWithFilePath("build.sh").FullPath, "--target=Generate");
    RunPublicApiTests(copy, update: true);
    foreach (var package in new[] { "AksRunCommand", "AksRunCommand.Testing" })
    {
        var before = root.CombineWithFilePath($"src/{package}/PublicAPI.txt").FullPath;
        var after = copy.CombineWithFilePath($"src/{package}/PublicAPI.txt").FullPath;
        Information($"== {package}: public API after importing {source}");
        StartProcess("git", new ProcessSettings { Arguments = new ProcessArgumentBuilder().Append("--no-pager").Append("diff").Append("--no-index").Append("--patience").Append("--unified=0").AppendQuoted(before).AppendQuoted(after) });
    }
});

Task("ImportRoundTrip")
    .Description("Proves in a temporary copy that importing the 2025-10-01 upstream file generates a client the facade builds on and the contract suite passes against.")
    .Does(() =>
{
    var copy = CopyOfRepository("import-2025-10-01");
    ImportInto(copy, upstreamTestData.CombineWithFilePath("2025-10-01/managedClusters.json").FullPath);
    RunIn(copy, copy.CombineWithFilePath("build.sh").FullPath, "--target=Generate");
    RunIn(copy, "dotnet", "test", "tests/AksRunCommand.ContractTests/AksRunCommand.ContractTests.csproj", "-c", configuration, "--logger", "console;verbosity=minimal");
    var spec = System.IO.File.ReadAllText(copy.CombineWithFilePath("spec/aks-runcommand.json").FullPath);
    if (!spec.Contains("\"version\": \"2025-10-01\""))
        throw new CakeException("the imported copy does not carry api-version 2025-10-01");
    Information("2025-10-01: imported, generated, built, contract suite green (in " + copy.FullPath + ").");
    DeleteDirectory(copy, new DeleteDirectorySettings { Recursive = true, Force = true });
});

Task("PackageSmoke")
    .Description("Installs the aks-run tool package from artifacts/packages into a temporary tool path and runs --help; builds and runs a consumer of the library packages.")
    .IsDependentOn("Pack")
    .Does(() =>
{
    var smoke = MakeAbsolute(Directory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aksrun-package-smoke-" + Guid.NewGuid().ToString("N"))));
    EnsureDirectoryExists(smoke);
    var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = smoke.Combine("nuget").FullPath }; // never a stale cached 0.1.0
    var tools = smoke.Combine("tools");
    Run("dotnet", env, root, "tool", "install", "aks-run", "--version", version, "--tool-path", tools.FullPath, "--add-source", packages.FullPath);
    var help = Capture(tools.CombineWithFilePath("aks-run").FullPath, env, smoke, "--help");
    if (!help.Contains("invoke") || !help.Contains("result"))
        throw new CakeException("aks-run --help from the installed tool package does not list invoke and result:\n" + help);
    Information("installed aks-run " + version + " from artifacts/packages; --help lists invoke and result");

    var consumer = smoke.Combine("consumer");
    EnsureDirectoryExists(consumer);
    System.IO.File.WriteAllText(consumer.CombineWithFilePath("Consumer.csproj").FullPath, $@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings><TreatWarningsAsErrors>true</TreatWarningsAsErrors><WarningsNotAsErrors>NU1603</WarningsNotAsErrors></PropertyGroup>
  <ItemGroup><PackageReference Include=""AksRunCommand"" Version=""{version}"" /><PackageReference Include=""AksRunCommand.Testing"" Version=""{version}"" /></ItemGroup>
</Project>");
    // One string per line: Cake hoists script lines that start with "using", even inside a verbatim string.
    System.IO.File.WriteAllLines(consumer.CombineWithFilePath("Program.cs").FullPath, new[]
    {
        "global using AksRunCommand;", "global using AksRunCommand.Testing;",
        "var aks = FakeAks.Start();",
        "aks.When(\"kubectl version\").RunningFor(0).ExitsWith(0, \"v1.31\\n\");",
        "var client = aks.CreateClient(o => o.Polling = PollingStrategy.Fixed(TimeSpan.FromMilliseconds(50)));",
        "var cluster = new ClusterId(\"00000000-0000-0000-0000-000000000000\", \"rg1\", \"aks1\");",
        "var op = await client.RunCommandAsync(Azure.WaitUntil.Completed, cluster, new RunCommandContent(\"kubectl version\"));",
        "Console.Write(op.Value.Logs);",
        "aks.Dispose();",
        "return op.Value.ExitCode ?? 255;",
    });
    var output = Capture("dotnet", env, consumer, "run", "-p:RestoreAdditionalProjectSources=" + packages.FullPath);
    if (!output.Contains("v1.31"))
        throw new CakeException("the package consumer did not print the fake's output:\n" + output);
    Information("a consumer restored AksRunCommand and AksRunCommand.Testing " + version + " from artifacts/packages, built and ran");
    DeleteDirectory(smoke, new DeleteDirectorySettings { Recursive = true, Force = true });
});

Task("CI")
    .Description("What CI runs: CheckGenerated, Build, Test, Pack.")
    .IsDependentOn("__Clean")
    .IsDependentOn("CheckGenerated")
    .IsDependentOn("Build")
    .IsDependentOn("Test")
    .IsDependentOn("Pack")
    .IsDependentOn("PackageSmoke")
    .IsDependentOn("ImportRoundTrip");

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

void ImportInto(DirectoryPath repository, string upstreamFile)
{
    Run("dotnet", null, root, "run", "--project", importTool, "-c", configuration, "--", "--upstream", upstreamFile, "--out", repository.Combine("spec").FullPath);
}

// A copy of the working tree (tracked and new files, as git sees them) in the temp folder, for what must not touch this one.
DirectoryPath CopyOfRepository(string name)
{
    var copy = MakeAbsolute(Directory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aksrun-" + name + "-" + Guid.NewGuid().ToString("N"))));
    var files = Capture("git", null, root, "ls-files", "--cached", "--others", "--exclude-standard").Split('\n', StringSplitOptions.RemoveEmptyEntries);
    foreach (var file in files)
    {
        var source = root.CombineWithFilePath(file).FullPath;
        if (!System.IO.File.Exists(source)) continue; // deleted in the working tree
        var target = copy.CombineWithFilePath(file).FullPath;
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target));
        System.IO.File.Copy(source, target);
    }

    Information($"copied {files.Length} files to {copy.FullPath}");
    return copy;
}

void RunPublicApiTests(DirectoryPath repository, bool update)
{
    Run("dotnet", update ? new Dictionary<string, string> { ["AKSRUN_UPDATE_API"] = "1" } : null, repository,
        "test", "tests/AksRunCommand.PublicApi.Tests/AksRunCommand.PublicApi.Tests.csproj", "-c", configuration, "--logger", "console;verbosity=minimal");
}

void RunIn(DirectoryPath directory, string tool, params string[] arguments) => Run(tool, null, directory, arguments);

void Run(string tool, IDictionary<string, string> environment, DirectoryPath directory, params string[] arguments)
{
    var args = new ProcessArgumentBuilder();
    foreach (var a in arguments) args.AppendQuoted(a);
    var exit = StartProcess(tool, new ProcessSettings { Arguments = args, WorkingDirectory = directory, EnvironmentVariables = environment });
    if (exit != 0) throw new CakeException($"{tool} {string.Join(" ", arguments)} failed with exit code {exit} (in {directory.FullPath})");
}

string Capture(string tool, IDictionary<string, string> environment, DirectoryPath directory, params string[] arguments)
{
    var args = new ProcessArgumentBuilder();
    foreach (var a in arguments) args.AppendQuoted(a);
    var exit = StartProcess(tool, new ProcessSettings { Arguments = args, WorkingDirectory = directory, EnvironmentVariables = environment, RedirectStandardOutput = true }, out var lines);
    var text = string.Join("\n", lines);
    if (exit != 0) throw new CakeException($"{tool} {string.Join(" ", arguments)} failed with exit code {exit}:\n{text}");
    return text;
}

int CountFiles(DirectoryPath dir) => ListRelative(dir).Count;
