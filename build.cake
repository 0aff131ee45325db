// AksRunCommand build: regenerate the Kiota client from spec/, check it, build, test, pack; CI adds the package smoke
// test, four imports in temporary copies (ImportRoundTrip) and an api-version upgrade in one (UpgradeCheck).
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
var upstreamTestData = root.Combine("tests/AksRunCommand.SpecImport.Tests/upstream/specification/containerservice/resource-manager/Microsoft.ContainerService/aks");
// The stored upstream versions CI imports in temporary copies (2024-02-01, the version spec/ is on, is proven by
// the importer's tests against its pinned expected copy).
var roundTripVersions = new[] { "stable/2022-09-01", "preview/2024-01-02-preview", "stable/2025-10-01" };
// And one made at run time, never stored (issue 25): the stored 2025-10-01 as a newer stable version whose file ships
// no x-ms-examples, as TypeSpec-era files can; the import must keep spec/'s examples.
var exampleLessSource = "stable/2025-10-01";
var exampleLessVersion = "2026-01-01";
var upgradeCheckVersion = "stable/2025-10-01";
var version = XmlPeek("Directory.Build.props", "/Project/PropertyGroup/VersionPrefix");
// Set, they make PublicApiTests and SpecImporterTests rewrite their expected files instead of comparing with them.
var UpdateVariables = new[] { "AKSRUN_UPDATE_API", "AKSRUN_UPDATE_EXPECTED" };

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

Task("__RefuseUpdateVariables")
    .Description("Stops CI when a variable that makes tests rewrite their expected files is set: a green run would then prove nothing.")
    .Does(() =>
{
    var set = UpdateVariables.Where(v => Environment.GetEnvironmentVariable(v) is not null).ToList();
    if (set.Count > 0)
        throw new CakeException($"{string.Join(" and ", set)} {(set.Count == 1 ? "is" : "are")} set: PublicApiTests / SpecImporterTests would rewrite their expected files and pass whatever they find. Unset {(set.Count == 1 ? "it" : "them")} for CI; use ./build.sh --target=UpdateApi or AKSRUN_UPDATE_EXPECTED=1 dotnet test ... on purpose, then review the diff.");
});

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
    .Description("Runs every test project, then fails if any test failed, or a project did not run or ran no test; TRX results go to artifacts/test-results.")
    .IsDependentOn("Build")
    .Does(() =>
{
    var runs = RunTests(TestProjects(), testResults, noBuild: true);
    ReportTests("tests", runs);
    ThrowOnProblems("the test run", runs);
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
    var source = string.IsNullOrEmpty(upstream) ? upstreamTestData.CombineWithFilePath(upgradeCheckVersion + "/managedClusters.json").FullPath : MakeAbsolute(File(upstream)).FullPath;
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
    .Description("Proves in temporary copies that each stored upstream version of another vintage (2022-09-01 on common-types v3, 2024-01-02-preview, 2025-10-01 from TypeSpec), and a file that ships no examples (2025-10-01 renamed 2026-01-01, made at run time), imports, generates a client the facade builds on, and passes the contract suite.")
    .Does(() =>
{
    foreach (var stored in roundTripVersions.Append(exampleLessVersion))
    {
        var apiVersion = System.IO.Path.GetFileName(stored);
        var copy = CopyOfRepository("import-" + apiVersion);
        var source = stored == exampleLessVersion ? WriteExampleLessUpstream(copy) : upstreamTestData.CombineWithFilePath(stored + "/managedClusters.json").FullPath;
        ImportInto(copy, source);
        if (stored == exampleLessVersion)
            CheckExamplesKept(copy);
        RunIn(copy, copy.CombineWithFilePath("build.sh").FullPath, "--target=Generate");
        // Counted by .ci/run under its own label: artifacts/test-results/import-<api-version>/.
        var runs = RunTests(new[] { copy.CombineWithFilePath("tests/AksRunCommand.ContractTests/AksRunCommand.ContractTests.csproj") }, testResults.Combine("import-" + apiVersion), noBuild: false, workingDirectory: copy);
        ReportTests("import-" + apiVersion, runs);
        ThrowOnProblems($"the contract suite of the {apiVersion} copy ({copy.FullPath})", runs);
        if (SpecApiVersion(copy) != apiVersion)
            throw new CakeException($"the imported copy does not carry api-version {apiVersion}");
        Information($"{apiVersion}: imported, generated, built, contract suite green (in {copy.FullPath}).");
        DeleteDirectory(copy, new DeleteDirectorySettings { Recursive = true, Force = true });
    }
});

Task("UpgradeApiVersion")
    .Description("Moves this repository to the api-version of --upstream=PATH: import, generate, build, contract suite, every test, public API changes classified, listings updated, CHANGELOG entry, spec/README provenance. Stops where a person must decide.")
    .Does(() =>
{
    if (string.IsNullOrEmpty(upstream))
        throw new CakeException("UpgradeApiVersion needs --upstream=PATH to .../Microsoft.ContainerService/aks/<stable|preview>/<api-version>/managedClusters.json inside an azure-rest-api-specs layout.");
    var source = MakeAbsolute(File(upstream)).FullPath;
    var from = SpecApiVersion(root);
    var before = ReadListings(root);

    Information($"1/8 import {source} (spec/ is on {from})");
    ImportInto(root, source);
    var to = SpecApiVersion(root);

    Information($"2/8 generate generated/ for {to}");
    RunKiota(generatedDir);
    MoveLockToRoot(root.Combine(generatedDir), lockFile);

    Information("3/8 build");
    try
    {
        DotNetBuild(solution.FullPath, new DotNetBuildSettings { Configuration = configuration });
    }
    catch (Exception e)
    {
        throw NeedsAPerson($"the solution does not build against the client generated for {to} ({e.Message}). The errors above name the hand-written code that uses a generated type or member this api-version changed; adapt it (the facade should not depend on a generated name that moves between versions).");
    }

    Information("4/8 contract suite");
    var contract = Failures(RunTests(new[] { root.CombineWithFilePath("tests/AksRunCommand.ContractTests/AksRunCommand.ContractTests.csproj") }, artifacts.Combine("upgrade-contract"), noBuild: false));
    if (contract.Count > 0)
        throw NeedsAPerson($"the contract suite fails against {to}:\n  " + string.Join("\n  ", contract) + "\nThe service's wire format changed in a way the facade does not handle yet.");

    Information("5/8 every test but the public API listings (they are reviewed next)");
    var unexpected = Failures(RunTests(TestProjects().Where(p => !p.FullPath.EndsWith("/AksRunCommand.PublicApi.Tests.csproj", StringComparison.Ordinal)), artifacts.Combine("upgrade-before"), noBuild: false));
    if (unexpected.Count > 0)
        throw NeedsAPerson($"tests other than the public API listings fail on {to}:\n  " + string.Join("\n  ", unexpected));

    Information("6/8 public API changes");
    RunPublicApiTests(root, update: true);
    var after = ReadListings(root);
    var changes = ClassifyApiChanges(before, after);
    var generatedChanged = GitStatus("--", generatedDir)?.Length > 0;
    foreach (var change in changes)
        Information($"  {change.Kind,-8} {(change.Generated ? "generated" : "facade   ")} {change.Text}");
    if (changes.Count == 0)
        Information(generatedChanged ? "  internal only: generated/ changed, the public API did not" : "  no change to generated/ or the public API");
    var facadeBreaking = changes.Where(c => c.Kind == "breaking" && !c.Generated && !c.Text.Contains("DefaultApiVersion")).ToList();
    if (facadeBreaking.Count > 0)
        throw NeedsAPerson("the facade's own public API would break:\n  " + string.Join("\n  ", facadeBreaking.Select(c => c.Text)) + "\nThe listings are updated in the working tree for review; decide whether the break is intended before releasing.");

    Information("7/8 every test again, with the updated listings");
    var failures = Failures(RunTests(TestProjects(), artifacts.Combine("upgrade-after"), noBuild: false));
    if (failures.Count > 0)
        throw NeedsAPerson("tests fail after the listings were updated:\n  " + string.Join("\n  ", failures));

    Information("8/8 CHANGELOG.md and spec/README.md");
    WriteUpgradeChangelog(from, to, source, changes, generatedChanged);
    Information($"api-version moved from {from} to {to}. Changed files (git status --short):");
    Information(GitStatus() ?? "(not a git repository: no list of changed files)");
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

    // Debuggable from the package alone: every source file of each symbol package's PDB is embedded in it.
    foreach (var symbols in GetFiles(packages.FullPath + "/AksRunCommand*.snupkg"))
    {
        foreach (var (pdb, documents, embedded) in EmbeddedSources(symbols.FullPath))
        {
            Information($"{symbols.GetFilename()}: {pdb} embeds {embedded.Count} of {documents.Count} source files");
            if (documents.Count == 0 || embedded.Count != documents.Count)
                throw new CakeException($"{symbols.GetFilename()}: {pdb} does not embed " + string.Join(", ", documents.Except(embedded)));
            if (HasArgument("list-sources"))
                foreach (var document in embedded)
                    Information("  " + document);
        }
    }
});

Task("CI")
    .Description("What CI runs: CheckGenerated, Build, Test, Pack, PackageSmoke, ImportRoundTrip (four imports) and UpgradeCheck; refuses to run with AKSRUN_UPDATE_API or AKSRUN_UPDATE_EXPECTED set.")
    .IsDependentOn("__RefuseUpdateVariables")
    .IsDependentOn("__Clean")
    .IsDependentOn("CheckGenerated")
    .IsDependentOn("Build")
    .IsDependentOn("Test")
    .IsDependentOn("Pack")
    .IsDependentOn("PackageSmoke")
    .IsDependentOn("ImportRoundTrip")
    .IsDependentOn("UpgradeCheck");

Task("UpgradeCheck")
    .Description("The version-agnostic check: UpgradeApiVersion to the stored 2025-10-01 in a temporary copy must end green (only the public API listings may need the update it makes).")
    .Does(() =>
{
    var copy = CopyOfRepository("upgrade-check");
    // A repository of its own, so the upgrade can list the files it changed, as it does in a user's clone.
    RunIn(copy, "git", "init", "--quiet");
    RunIn(copy, "git", "add", "--all");
    RunIn(copy, "git", "-c", "user.name=UpgradeCheck", "-c", "user.email=upgrade-check@localhost", "commit", "--quiet", "--message", "before UpgradeApiVersion");
    try
    {
        RunIn(copy, copy.CombineWithFilePath("build.sh").FullPath, "--target=UpgradeApiVersion", "--upstream=" + copy.CombineWithFilePath("tests/AksRunCommand.SpecImport.Tests/upstream/specification/containerservice/resource-manager/Microsoft.ContainerService/aks/" + upgradeCheckVersion + "/managedClusters.json").FullPath);
    }
    finally
    {
        // Counted by .ci/run as "upgrade-check": the results of the last stage that ran (every test, step 7, when it
        // ended green; else the stage that stopped it), so each test counts once and a stop shows its failures.
        var label = testResults.Combine("upgrade-check");
        EnsureDirectoryExists(label);
        CleanDirectory(label);
        var stage = new[] { "upgrade-after", "upgrade-before", "upgrade-contract" }.Select(s => copy.Combine("artifacts/" + s)).FirstOrDefault(d => DirectoryExists(d) && GetFiles(d.FullPath + "/*.trx").Count > 0);
        if (stage is not null)
        {
            CopyFiles(GetFiles(stage.FullPath + "/*.trx"), label);
            Information($"upgrade-check: TRX of {stage.GetDirectoryName()} copied to {root.GetRelativePath(label)}");
        }
    }

    if (SpecApiVersion(copy) != System.IO.Path.GetFileName(upgradeCheckVersion))
        throw new CakeException("the upgraded copy does not carry api-version " + upgradeCheckVersion);
    Information("UpgradeApiVersion to " + upgradeCheckVersion + " ended green in " + copy.FullPath);
    DeleteDirectory(copy, new DeleteDirectorySettings { Recursive = true, Force = true });
});

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
    // Kiota writes the warnings it printed (e.g. "format arm-id is not supported") to .kiota.log in its output;
    // generated/ holds only code, so the log goes to artifacts/.
    var log = MakeAbsolute(Directory(outputDir)).CombineWithFilePath(".kiota.log");
    if (FileExists(log))
    {
        System.IO.File.Copy(log.FullPath, artifacts.CombineWithFilePath("kiota.log").FullPath, overwrite: true);
        DeleteFile(log);
    }
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

string SpecApiVersion(DirectoryPath repository) =>
    (string)JsonNode.Parse(System.IO.File.ReadAllText(repository.CombineWithFilePath(specFile).FullPath))!["info"]!["version"]!;

// git status --short of the repository, or null where it is not a git repository.
string GitStatus(params string[] paths)
{
    try
    {
        return Capture("git", null, root, new[] { "status", "--short" }.Concat(paths).ToArray()).TrimEnd();
    }
    catch (CakeException)
    {
        return null;
    }
}

CakeException NeedsAPerson(string message) => new CakeException("UpgradeApiVersion stopped, a person must decide: " + message);

IEnumerable<FilePath> TestProjects() =>
    GetFiles("./tests/**/*.Tests.csproj").Concat(GetFiles("./tests/**/*.ContractTests.csproj"))
        .Where(p => !p.FullPath.Contains("/bin/") && !p.FullPath.Contains("/obj/"))
        .OrderBy(p => p.FullPath, StringComparer.Ordinal);

// One test project's run as its TRX file tells it; Problem says why the project did not run cleanly (no TRX, no
// test, an aborted run, a failing exit with no failed test), null when it did.
record ProjectRun(string Project, int Passed, int Failed, int Skipped, List<string> FailedTests, string Problem);

// Runs every project, one failing or not building does not stop the rest, each writing <Project>_*.trx into results.
List<ProjectRun> RunTests(IEnumerable<FilePath> projects, DirectoryPath results, bool noBuild, DirectoryPath workingDirectory = null)
{
    EnsureDirectoryExists(results);
    CleanDirectory(results);
    var exits = new Dictionary<string, string>(StringComparer.Ordinal);
    var names = new List<string>();
    foreach (var project in projects)
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        names.Add(name);
        try
        {
            DotNetTest(project.FullPath, new DotNetTestSettings
            {
                Configuration = configuration,
                NoBuild = noBuild,
                ResultsDirectory = results,
                WorkingDirectory = workingDirectory ?? root,
                Loggers = new[] { $"trx;LogFilePrefix={name}" },
            });
        }
        catch (Exception e)
        {
            exits[name] = e.Message;
        }
    }

    return names.Select(name => ReadRun(name, results, exits.GetValueOrDefault(name))).ToList();
}

ProjectRun ReadRun(string project, DirectoryPath results, string exitError)
{
    var trx = GetFiles($"{results.FullPath}/{project}_*.trx").OrderBy(f => f.FullPath, StringComparer.Ordinal).LastOrDefault();
    if (trx is null)
        return new ProjectRun(project, 0, 0, 0, new List<string>(), "did not run: no TRX file (a build or test host failure; see its output above)" + (exitError is null ? "" : $" ({exitError})"));
    var document = System.Xml.Linq.XDocument.Load(trx.FullPath);
    var counters = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
    int Count(string name) => (int?)counters?.Attribute(name) ?? 0;
    // A test that errored, timed out or was aborted failed as much as one that failed an assertion.
    var failedOutcomes = new[] { "Failed", "Error", "Timeout", "Aborted" };
    var failedTests = document.Descendants().Where(e => e.Name.LocalName == "UnitTestResult" && failedOutcomes.Contains((string)e.Attribute("outcome")))
        .Select(e => $"{(string)e.Attribute("testName")} ({(string)e.Attribute("outcome")})").ToList();
    int total = Count("total"), passed = Count("passed"), skipped = Count("notExecuted");
    var failed = Count("failed") + Count("error") + Count("timeout") + Count("aborted");
    var outcome = (string)document.Descendants().FirstOrDefault(e => e.Name.LocalName == "ResultSummary")?.Attribute("outcome");
    string problem = null;
    if (total == 0)
        problem = "ran no test";
    else if (passed + failed + skipped != total)
        problem = $"its TRX counters do not add up: total {total}, passed {passed}, failed/error/timeout/aborted {failed}, not executed {skipped}";
    else if (outcome is "Aborted" or "Error" or "Timeout")
        problem = $"the run ended {outcome}";
    else if (exitError is not null && failed == 0)
        problem = $"dotnet test failed but its TRX lists no failed test ({exitError})";
    return new ProjectRun(project, passed, failed, skipped, failedTests, problem);
}

void ReportTests(string label, List<ProjectRun> runs)
{
    foreach (var run in runs)
        Information($"  {run.Project}: {run.Passed} passed, {run.Failed} failed, {run.Skipped} skipped{(run.Problem is null ? "" : "; " + run.Problem)}");
    var troubled = runs.Where(r => r.Problem is not null).Select(r => r.Project).ToList();
    Information($"{label}: {runs.Sum(r => r.Passed)} passed, {runs.Sum(r => r.Failed)} failed, {runs.Sum(r => r.Skipped)} skipped, {runs.Count} projects run{(troubled.Count == 0 ? "" : $"; did not run cleanly: {string.Join(", ", troubled)}")}");
}

// "Project: Test (Outcome)" for each failed test, then "Project: problem" for each project that did not run cleanly.
List<string> Failures(List<ProjectRun> runs) =>
    runs.SelectMany(r => r.FailedTests.Select(t => $"{r.Project}: {t}")).Concat(runs.Where(r => r.Problem is not null).Select(r => $"{r.Project}: {r.Problem}")).ToList();

void ThrowOnProblems(string what, List<ProjectRun> runs)
{
    var failures = Failures(runs);
    if (failures.Count > 0)
        throw new CakeException($"{what} failed after every project ran ({runs.Count}):\n  " + string.Join("\n  ", failures));
}

Dictionary<string, string> ReadListings(DirectoryPath repository) =>
    new[] { "AksRunCommand", "AksRunCommand.Testing" }.ToDictionary(p => p, p => System.IO.File.ReadAllText(repository.CombineWithFilePath($"src/{p}/PublicAPI.txt").FullPath));

// A public API change: "breaking" (a type or member removed, or changed: its old form is gone) or "additive".
record ApiChange(string Kind, bool Generated, string Text);

List<ApiChange> ClassifyApiChanges(Dictionary<string, string> before, Dictionary<string, string> after)
{
    var changes = new List<ApiChange>();
    foreach (var package in before.Keys)
    {
        var old = ApiEntries(before[package]);
        var now = ApiEntries(after[package]);
        var removedTypes = old.Select(e => e.Type).Distinct().Except(now.Select(e => e.Type)).ToHashSet();
        var addedTypes = now.Select(e => e.Type).Distinct().Except(old.Select(e => e.Type)).ToHashSet();
        foreach (var type in removedTypes.OrderBy(t => t, StringComparer.Ordinal))
            changes.Add(new ApiChange("breaking", type.StartsWith("AksRunCommand.Generated", StringComparison.Ordinal), $"removed type {type}"));
        foreach (var type in addedTypes.OrderBy(t => t, StringComparer.Ordinal))
            changes.Add(new ApiChange("additive", type.StartsWith("AksRunCommand.Generated", StringComparison.Ordinal), $"added type {type}"));
        var oldMembers = old.Where(e => e.Member is not null && !removedTypes.Contains(e.Type)).Select(e => (e.Type, e.Member)).ToHashSet();
        var newMembers = now.Where(e => e.Member is not null && !addedTypes.Contains(e.Type)).Select(e => (e.Type, e.Member)).ToHashSet();
        foreach (var (type, member) in oldMembers.Except(newMembers).OrderBy(m => m.Type + m.Member, StringComparer.Ordinal))
        {
            var replaced = newMembers.Except(oldMembers).Any(n => n.Type == type && MemberName(n.Member) == MemberName(member));
            changes.Add(new ApiChange("breaking", type.StartsWith("AksRunCommand.Generated", StringComparison.Ordinal), $"{(replaced ? "changed" : "removed")} {type}: {member}"));
        }

        foreach (var (type, member) in newMembers.Except(oldMembers).OrderBy(m => m.Type + m.Member, StringComparer.Ordinal))
        {
            if (!oldMembers.Except(newMembers).Any(o => o.Type == type && MemberName(o.Member) == MemberName(member)))
                changes.Add(new ApiChange("additive", type.StartsWith("AksRunCommand.Generated", StringComparison.Ordinal), $"added {type}: {member}"));
        }
    }

    return changes;
}

// The listing's lines as (namespace.type, member): PublicApiGenerator writes namespaces, then types indented 4, members 8.
List<(string Type, string Member)> ApiEntries(string listing)
{
    var entries = new List<(string Type, string Member)>();
    string ns = string.Empty, type = string.Empty;
    foreach (var line in listing.Replace("\r", string.Empty).Split('\n'))
    {
        if (line.StartsWith("namespace ", StringComparison.Ordinal)) { ns = line["namespace ".Length..].Trim(); continue; }
        var trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed is "{" or "}") continue;
        var indent = line.Length - line.TrimStart().Length;
        if (indent == 4 && !trimmed.StartsWith("[", StringComparison.Ordinal))
        {
            var words = trimmed.Split(' ');
            var kind = Array.FindIndex(words, w => w is "class" or "struct" or "interface" or "enum" or "record" or "delegate");
            type = ns + "." + (kind >= 0 && kind + 1 < words.Length ? words[kind + 1].Split(':')[0].Split('(')[0] : trimmed);
            entries.Add((type, null));
        }
        else if (indent >= 8 && !trimmed.StartsWith("[", StringComparison.Ordinal))
        {
            entries.Add((type, trimmed));
        }
    }

    return entries;
}

string MemberName(string member)
{
    var head = member.Split('(', '{', '=')[0].Trim();
    return head.Split(' ').Last();
}

void WriteUpgradeChangelog(string from, string to, string source, List<ApiChange> changes, bool generatedChanged)
{
    var path = root.CombineWithFilePath("CHANGELOG.md").FullPath;
    var text = System.IO.File.ReadAllText(path).Replace("\r\n", "\n");
    var marker = source.Replace('\\', '/');
    var at = marker.IndexOf("specification/", StringComparison.Ordinal);
    var entry = new System.Text.StringBuilder()
        .Append($"### api-version {from} -> {to}\n")
        .Append($"- `spec/` follows `{(at >= 0 ? marker[at..] : System.IO.Path.GetFileName(source))}` (`./build.sh --target=UpgradeApiVersion`); `AksRunCommandClientOptions.DefaultApiVersion` is now `{to}`.\n");
    void List(string title, IEnumerable<ApiChange> items)
    {
        var list = items.ToList();
        if (list.Count > 0)
            entry.Append($"- {title}: ").Append(string.Join("; ", list.Select(c => "`" + c.Text + "`"))).Append(".\n");
    }

    var kept = KeptExamples(root);
    if (kept.Count > 0)
        entry.Append($"- The upstream file ships no example for some operations: their examples are kept from the previous `spec/`, only their api-version changed to {to}: ").Append(string.Join("; ", kept)).Append(".\n");
    List("Breaking, generated client", changes.Where(c => c.Kind == "breaking" && c.Generated));
    List("Breaking, facade", changes.Where(c => c.Kind == "breaking" && !c.Generated));
    List("Additive, generated client", changes.Where(c => c.Kind == "additive" && c.Generated));
    List("Additive, facade", changes.Where(c => c.Kind == "additive" && !c.Generated));
    if (changes.Count == 0)
        entry.Append(generatedChanged ? "- Internal only: the generated code changed, the public API did not.\n" : "- No change to the generated code or the public API.\n");

    var heading = $"### api-version {from} -> {to}\n";
    var existing = text.IndexOf(heading, StringComparison.Ordinal);
    if (existing >= 0)
    {
        var next = text.IndexOf("\n### ", existing + heading.Length, StringComparison.Ordinal);
        var nextRelease = text.IndexOf("\n## ", existing + heading.Length, StringComparison.Ordinal);
        var end = new[] { next, nextRelease }.Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        text = end < 0 ? text[..existing] + entry : text[..existing] + entry + "\n" + text[(end + 1)..];
    }
    else
    {
        var unreleased = System.Text.RegularExpressions.Regex.Match(text, @"^## .*Unreleased.*\n\n?", System.Text.RegularExpressions.RegexOptions.Multiline);
        text = unreleased.Success
            ? text[..(unreleased.Index + unreleased.Length)] + entry + "\n" + text[(unreleased.Index + unreleased.Length)..]
            : text.Replace("# Release History\n\n", "# Release History\n\n## Unreleased\n\n" + entry + "\n");
    }

    System.IO.File.WriteAllText(path, text);
}

// The example-less upstream file of ImportRoundTrip, inside the copy's upstream layout so its relative $refs resolve.
string WriteExampleLessUpstream(DirectoryPath copy)
{
    var aks = copy.Combine("tests/AksRunCommand.SpecImport.Tests/upstream/specification/containerservice/resource-manager/Microsoft.ContainerService/aks");
    var document = JsonNode.Parse(System.IO.File.ReadAllText(aks.CombineWithFilePath(exampleLessSource + "/managedClusters.json").FullPath))!;
    document["info"]!["version"] = exampleLessVersion;
    void Strip(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            obj.Remove("x-ms-examples");
            foreach (var (_, child) in obj) if (child is not null) Strip(child);
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array) if (item is not null) Strip(item);
        }
    }

    Strip(document);
    var file = aks.CombineWithFilePath("stable/" + exampleLessVersion + "/managedClusters.json");
    EnsureDirectoryExists(file.GetDirectory());
    System.IO.File.WriteAllText(file.FullPath, document.ToJsonString());
    Information($"wrote {file.FullPath}: {exampleLessSource} as {exampleLessVersion}, no x-ms-examples");
    return file.FullPath;
}

// After an example-less import: spec/examples has the files it had, and the README says where they came from.
void CheckExamplesKept(DirectoryPath copy)
{
    var before = ListRelative(root.Combine("spec/examples")).Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
    var after = ListRelative(copy.Combine("spec/examples")).Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
    if (before.Count == 0 || !before.SequenceEqual(after))
        throw new CakeException($"an import of a file without examples must keep spec/examples ({string.Join(", ", before)}); it left {(after.Count == 0 ? "none" : string.Join(", ", after))}");
    var kept = KeptExamples(copy);
    if (kept.Count != before.Count)
        throw new CakeException($"spec/README.md of the copy records {kept.Count} kept example(s), spec/examples holds {before.Count}");
    foreach (var example in kept)
        Information($"  kept {example}");
}

// The kept-examples table of spec/README.md's import block: "RunCommandRequest.json (ManagedClusters_RunCommand, first imported from ..., api-version ...)".
List<string> KeptExamples(DirectoryPath repository)
{
    var row = new System.Text.RegularExpressions.Regex(@"^\| `examples/(?<file>[^`]+)` \| `(?<operation>[^`]+)` \| `(?<origin>[^`]+)` \| (?<version>[^ |]+) \|$");
    return System.IO.File.ReadAllLines(repository.CombineWithFilePath("spec/README.md").FullPath)
        .Select(line => row.Match(line))
        .Where(m => m.Success)
        .Select(m => $"`{m.Groups["file"].Value}` ({m.Groups["operation"].Value}, first imported from `{m.Groups["origin"].Value}`, api-version {m.Groups["version"].Value})")
        .ToList();
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

// The source documents of each portable PDB in a .snupkg, and those whose source is embedded (EmbedAllSources).
List<(string Pdb, List<string> Documents, List<string> Embedded)> EmbeddedSources(string snupkg)
{
    var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE"); // the Portable PDB's EmbeddedSource kind
    var found = new List<(string, List<string>, List<string>)>();
    var zip = System.IO.Compression.ZipFile.OpenRead(snupkg);
    try
    {
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)))
        {
            var bytes = new MemoryStream();
            var open = entry.Open();
            open.CopyTo(bytes);
            open.Dispose();
            bytes.Position = 0;
            var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(bytes);
            var reader = provider.GetMetadataReader();
            var documents = new List<string>();
            var embedded = new List<string>();
            foreach (var handle in reader.Documents)
            {
                var name = reader.GetString(reader.GetDocument(handle).Name);
                documents.Add(name);
                if (reader.GetCustomDebugInformation(handle).Any(c => reader.GetGuid(reader.GetCustomDebugInformation(c).Kind) == embeddedSource))
                    embedded.Add(name);
            }

            provider.Dispose();
            found.Add((entry.FullName, documents, embedded));
        }
    }
    finally
    {
        zip.Dispose();
    }

    return found;
}
