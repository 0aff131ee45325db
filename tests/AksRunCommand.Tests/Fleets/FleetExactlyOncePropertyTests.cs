using AksRunCommand.Fleets;
using AksRunCommand.Testing;
using AksRunCommand.Tests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;

namespace AksRunCommand.Tests.Fleets;

// A model-based property of fleet runs over one journal: a fake ARM scripted per cluster with any answers to run
// requests and polls (202 with and without Location, accepted with the answer lost, 429 with any Retry-After, 401,
// 5xx, resets, slow answers, refusals), cancelled at random points, abandoned by a consumer that stops reading,
// "crashed" (the journal cut after its last intent, a line torn), restarted, and sometimes raced by a second runner
// on the same journal. For every case: a run request is accepted at most once per cluster (unless
// ResendPossiblyStarted and an earlier attempt got no answer at all); every id the client saw is in that run's
// outcomes and in the journal; a run read to its end gives every cluster exactly one outcome; the journal read back
// agrees with the outcomes; a second runner is refused before any request; a throttle is never a refusal.
public sealed class FleetExactlyOncePropertyTests(ITestOutputHelper output)
{
    private const string Command = "kubectl rollout restart deploy/web";

    private static readonly Gen<StartAnswer> StartAnswers = Gen.Frequency(
        (4, Gen.Const(new StartAnswer("accept", 0, RetryAfterForm.Seconds))),
        (1, Gen.Const(new StartAnswer("no-location", 0, RetryAfterForm.Seconds))),
        (1, Gen.Const(new StartAnswer("answer-lost", 0, RetryAfterForm.Seconds))),
        (3, Gen.Select(Gen.Int[0, 20_000], Gen.Enum<RetryAfterForm>(), (ms, form) => new StartAnswer("429", ms, form))),
        (1, Gen.Const(new StartAnswer("401", 0, RetryAfterForm.Seconds))),
        (1, Gen.Const(new StartAnswer("busy", 0, RetryAfterForm.Seconds))),
        (1, Gen.OneOf(Gen.Const(new StartAnswer("503", 0, RetryAfterForm.Seconds)), Gen.Const(new StartAnswer("500", 0, RetryAfterForm.Seconds)))),
        (1, Gen.Const(new StartAnswer("reset", 0, RetryAfterForm.Seconds))),
        (1, Gen.Const(new StartAnswer("slow-503", 0, RetryAfterForm.Seconds))),
        (1, Gen.OneOf(Gen.Const(new StartAnswer("404", 0, RetryAfterForm.Seconds)), Gen.Const(new StartAnswer("403", 0, RetryAfterForm.Seconds)))));

    private static readonly Gen<string> PollAnswers = Gen.OneOf("503", "429", "reset", "malformed");

    private static readonly Gen<ClusterCase> ClusterCases = Gen.Select(StartAnswers.Array[0, 4], Gen.Int[0, 3], PollAnswers.Array[0, 2], Gen.Int[0, 2], (starts, running, polls, end) => new ClusterCase(starts, running, polls, end));

    private static readonly Gen<RunCase> RunCases = Gen.Select(
        Gen.Bool, Gen.Frequency((3, Gen.Const(0)), (2, Gen.Int[1, 12])), Gen.Bool, Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 4])),
        Gen.Frequency((3, Gen.Const(false)), (1, Gen.Const(true))), Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true))), Gen.Int[1, 4],
        Gen.Select(Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[5, 120])), Gen.Int[0, 3], Gen.Int[0, 30], (maxWait, keep, tear) => (maxWait, keep, tear)),
        (resend, cancelAfter, cancelBefore, breakAfter, crash, second, parallel, rest) => new RunCase(resend, cancelAfter, cancelBefore, breakAfter, crash, rest.keep, rest.tear, second, parallel, rest.maxWait));

    private static readonly Gen<FleetCase> Cases = Gen.Select(ClusterCases.Array[1, 5], RunCases.Array[1, 4], Gen.Int, (clusters, runs, seed) => new FleetCase(clusters, runs, seed));

    [Fact]
    public async Task FleetRuns_AnyAnswersCancelsCrashesAndSecondRunners_KeepEveryRule()
    {
        await Cases.SampleAsync(
            CheckAsync,
            writeLine: output.WriteLine,
            iter: 1000,
            threads: 2,
            print: c => c.ToString());
    }

    private static async Task CheckAsync(FleetCase fleet)
    {
        var clock = new ManualClock();
        using var fake = FakeAks.Start(new FakeAksOptions { TimeProvider = clock });
        using var temp = new TempFolder();
        var journal = temp.Combine("fleet.jsonl");
        var subscription = new Guid(fleet.Seed, 0, 0, [0x80, 0, 0, 0, 0, 0, 0, 1]); // from the case, not a fresh Guid: a printed seed replays it
        var clusters = fleet.Clusters.Select((_, i) => new ClusterId(subscription, "rg-prop", $"c{i}")).ToList();
        for (var i = 0; i < clusters.Count; i++)
        {
            Script(fake.Cluster(clusters[i]).When(Command), fleet.Clusters[i]);
        }

        var content = new RunCommandContent(Command);
        var random = new Random(fleet.Seed);
        var anyResend = false;
        foreach (var run in fleet.Runs)
        {
            anyResend |= run.Resend;
            var postsBefore = fake.Runs.Count;
            using var cancel = new CancellationTokenSource();
            using var counting = new CancelAfterRequests(new LoseAnswers(clock.HoldDuringRequests(), fleet, clusters), run.CancelAfter, run.CancelBeforeSending, cancel);
            var client = fake.CreateClient(o =>
            {
                o.TimeProvider = clock;
                o.Transport = counting;
                o.Randomizer = () => random.NextDouble();
            });
            var options = new FleetRunOptions { JournalPath = journal, ResendPossiblyStarted = run.Resend, MaxParallel = run.MaxParallel, MaxWait = run.MaxWaitSeconds > 0 ? TimeSpan.FromSeconds(run.MaxWaitSeconds) : null };
            var second = run.SecondRunner ? SecondRunnerAsync(fake, clock, clusters, content, journal, counting) : null;
            var outcomes = await clock.RunAsync(ReadAsync(client.RunOnFleetAsync(clusters, content, options, cancel.Token), run.BreakAfter, second));
            var readToEnd = run.BreakAfter == 0 || outcomes.Count < run.BreakAfter;
            var histories = FleetJournal.ReadOnly(journal, content);
            var posts = fake.Runs.Skip(postsBefore).ToList();

            // Every cluster exactly one outcome, when the run was read to its end.
            if (readToEnd)
            {
                Expect(outcomes.Count == clusters.Count && clusters.All(c => outcomes.Count(o => o.Cluster == c) == 1), $"{outcomes.Count} outcomes for {clusters.Count} clusters: {string.Join(", ", outcomes)}");
            }

            // Every id ARM gave with a usable Location is in the journal and the run's outcomes; only where the answer never
            // reached the client (cancelled in flight) may it be missing, and then the journal and outcome say "may have started"
            // (or, when the caller asked to resend such requests, the outcome is that of the request sent again).
            foreach (var given in posts.Where(p => p.CommandId is not null && AnswerOf(fleet, clusters, fake, p) is "accept"))
            {
                var history = histories.GetValueOrDefault(given.Cluster);
                var known = history?.Attempts.Values.Any(a => a.CommandId == given.CommandId) == true;
                Expect(known || history?.Unanswered == true, $"id {given.CommandId} of {given.Cluster.ClusterName} is lost: not in the journal, and no attempt there is unanswered [{Describe(history)}]");
                if (readToEnd)
                {
                    var outcome = outcomes.Single(o => o.Cluster == given.Cluster);
                    Expect(outcome.CommandId == given.CommandId || (!known && (outcome.Kind == FleetOutcomeKind.MayHaveStarted || run.Resend)), $"id {given.CommandId} of {given.Cluster.ClusterName} is not in its outcome {outcome} ({outcome.ErrorLine}); posts {Posts(fake, given.Cluster)}; journal [{Describe(history)}]");
                }
            }

            // The journal, read back, agrees with each outcome.
            foreach (var outcome in outcomes)
            {
                AgreesWithJournal(outcome, histories.GetValueOrDefault(outcome.Cluster));
                Expect(!(outcome.Kind == FleetOutcomeKind.Refused && outcome.Error is ArmRequestFailedException { Status: 429 }), $"a throttle ended as a refusal: {outcome} {outcome.ErrorLine}");
            }

            if (run.Crash)
            {
                Crash(journal, run.KeepAfterLastIntent, run.TearBytes);
            }
        }

        // A run request accepted at most once per cluster; with ResendPossiblyStarted, once more per attempt that got no answer.
        var final = FleetJournal.ReadOnly(journal, content);
        foreach (var cluster in clusters)
        {
            var accepted = fake.Runs.Count(r => r.Cluster == cluster && r.CommandId is not null);
            var unanswered = final.GetValueOrDefault(cluster)?.Attempts.Values.Count(a => a.Intent && a.Answer == AttemptAnswer.None) ?? 0;
            var allowed = anyResend ? 1 + unanswered : 1;
            Expect(accepted <= allowed, $"{cluster.ClusterName} accepted {accepted} times (allowed {allowed}); posts: {string.Join(", ", fake.Runs.Where(r => r.Cluster == cluster).Select(r => r.Status))}");
        }
    }

    // The consumer: reads outcomes, stops after breakAfter when asked; a second runner races it while it runs.
    private static async Task<List<FleetOutcome>> ReadAsync(IAsyncEnumerable<FleetOutcome> run, int breakAfter, Func<Task>? second)
    {
        var outcomes = new List<FleetOutcome>();
        await foreach (var outcome in run)
        {
            if (outcomes.Count == 0 && second is not null)
            {
                await second();
            }

            outcomes.Add(outcome);
            if (breakAfter > 0 && outcomes.Count >= breakAfter)
            {
                break;
            }
        }

        return outcomes;
    }

    // While the first run holds the journal, a second client on it is refused before it sends anything.
    private static Func<Task> SecondRunnerAsync(FakeAks fake, ManualClock clock, List<ClusterId> clusters, RunCommandContent content, string journal, CancelAfterRequests first) => async () =>
    {
        using var own = new CancelAfterRequests(clock.HoldDuringRequests(), 0, false, null);
        var client = fake.CreateClient(o => { o.TimeProvider = clock; o.Transport = own; });
        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var unused in client.RunOnFleetAsync(clusters, content, new FleetRunOptions { JournalPath = journal }))
            {
            }
        });
        Expect(error is InvalidOperationException e && e.Message.Contains("held by another fleet run", StringComparison.Ordinal), $"a second runner on a held journal was not refused: {error?.GetType().Name}: {error?.Message}");
        Expect(own.Requests == 0, $"a refused second runner sent {own.Requests} request(s)");
    };

    private static void AgreesWithJournal(FleetOutcome outcome, ClusterHistory? history)
    {
        var what = $"{outcome} ({outcome.ErrorLine}) against the journal [{Describe(history)}]";
        if (outcome.CommandId is { } id)
        {
            Expect(history is not null && (history.Attempts.Values.Any(a => a.CommandId == id) || history.Finished?.CommandId == id), "an outcome's id is not in the journal: " + what);
        }

        switch (outcome.Kind)
        {
            case FleetOutcomeKind.Succeeded or FleetOutcomeKind.NonZeroExit or FleetOutcomeKind.ProvisioningFailed:
                Expect(history?.Finished?.Kind == outcome.Kind.ToString(), "a result the journal does not record: " + what);
                break;
            case FleetOutcomeKind.MayHaveStarted:
                Expect(history?.Unanswered == true, "may have started, but every attempt on disk has an answer: " + what);
                break;
            case FleetOutcomeKind.NotStarted:
                Expect(history is null || !history.Unanswered, "not started, but an attempt on disk got no answer: " + what);
                break;
            case FleetOutcomeKind.AcceptedWithoutId:
                Expect(history?.AcceptedWithoutId == true, "accepted without id, not so on disk: " + what);
                break;
            case FleetOutcomeKind.Refused:
                Expect(history?.Attempts.Values.Any(a => a.Answer == AttemptAnswer.Refused) == true, "refused, not so on disk: " + what);
                break;
            case FleetOutcomeKind.WaitStopped or FleetOutcomeKind.WaitFailed:
                Expect(outcome.CommandId is not null, "a wait outcome without an id: " + what);
                break;
        }
    }

    private static string Posts(FakeAks fake, ClusterId cluster) => string.Join(", ", fake.Runs.Where(r => r.Cluster == cluster).Select(r => $"{r.Status} {r.CommandId ?? "-"}"));

    private static string Describe(ClusterHistory? history) => history is null
        ? "nothing"
        : string.Join("; ", history.Attempts.Select(a => $"{a.Key}:{(a.Value.Intent ? "intent" : "-")}/{a.Value.Answer}{(a.Value.CommandId is null ? string.Empty : " " + a.Value.CommandId)}")) + (history.Finished is null ? string.Empty : $"; finished {history.Finished.Kind}");

    // What the fake answered to a recorded POST, from the cluster's script (answers are taken in order).
    private static string AnswerOf(FleetCase fleet, List<ClusterId> clusters, FakeAks fake, RecordedRun post)
    {
        var index = clusters.IndexOf(post.Cluster);
        var nth = fake.Runs.Where(r => r.Cluster == post.Cluster).ToList().IndexOf(post);
        var starts = fleet.Clusters[index].Starts;
        return nth < starts.Length ? starts[nth].Kind : "accept";
    }

    // A crash: the process died after its last intent, so some of the lines after it never reached the disk, and the
    // next line may be torn. (A cut before an intent whose request went out is not a state a crash can leave.)
    private static void Crash(string journal, int keepAfterLastIntent, int tearBytes)
    {
        var lines = File.ReadAllLines(journal).ToList();
        var lastIntent = lines.FindLastIndex(l => l.Contains("\"type\":\"intent\"", StringComparison.Ordinal));
        if (lastIntent < 0)
        {
            return;
        }

        var keep = Math.Min(lines.Count, lastIntent + 1 + keepAfterLastIntent);
        var text = string.Concat(lines.Take(keep).Select(l => l + "\n"));
        if (keep < lines.Count && tearBytes > 0)
        {
            text += lines[keep][..Math.Min(tearBytes, lines[keep].Length - 1)];
        }

        File.WriteAllText(journal, text);
    }

    private static void Script(CommandScript script, ClusterCase cluster)
    {
        foreach (var start in cluster.Starts)
        {
            script.OnStart(start.Kind switch
            {
                "accept" => FakeFault.Accepted,
                "no-location" => FakeFault.AcceptedWithoutLocation,
                "answer-lost" => FakeFault.Accepted, // the fake accepts it; the client's transport drops the answer (LoseAnswers)
                "429" => FakeFault.Throttled(TimeSpan.FromMilliseconds(start.RetryAfterMs), start.Form),
                "401" => FakeFault.ArmError(401, "ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time."),
                "busy" => FakeFault.ArmError(400, "KubernetesPerformanceError", "The cluster is under high load; retry later."),
                "503" => FakeFault.ServerError(503),
                "500" => FakeFault.ServerError(500),
                "reset" => FakeFault.EmptyResponse,
                "slow-503" => FakeFault.SlowResponse(TimeSpan.FromMilliseconds(30)),
                "404" => FakeFault.ArmError(404, "ResourceNotFound", "The Resource was not found."),
                _ => FakeFault.ArmError(403, "AuthorizationFailed", "The client does not have authorization."),
            });
        }

        foreach (var poll in cluster.Polls)
        {
            script.OnPoll(poll switch
            {
                "503" => FakeFault.ServerError(503),
                "429" => FakeFault.Throttled(TimeSpan.FromSeconds(2)),
                "reset" => FakeFault.EmptyResponse,
                _ => FakeFault.MalformedJsonBody,
            });
        }

        script.RunningFor(cluster.RunningPolls);
        _ = cluster.End switch
        {
            0 => script.ExitsWith(0, "ok\n"),
            1 => script.ExitsWith(3, "three\n"),
            _ => script.Fails("ImagePullBackoff"),
        };
    }

    private static void Expect(bool rule, string broken)
    {
        if (!rule)
        {
            throw new InvalidOperationException(broken);
        }
    }

    public sealed record StartAnswer(string Kind, int RetryAfterMs, RetryAfterForm Form)
    {
        public override string ToString() => Kind == "429" ? $"429({RetryAfterMs} ms {Form})" : Kind;
    }

    public sealed record ClusterCase(StartAnswer[] Starts, int RunningPolls, string[] Polls, int End)
    {
        public override string ToString() => $"starts [{string.Join(" ", Starts.Select(s => s.ToString()))}] running {RunningPolls} polls [{string.Join(" ", Polls)}] end {End}";
    }

    public sealed record RunCase(bool Resend, int CancelAfter, bool CancelBeforeSending, int BreakAfter, bool Crash, int KeepAfterLastIntent, int TearBytes, bool SecondRunner, int MaxParallel, int MaxWaitSeconds)
    {
        public override string ToString() => $"run(resend {Resend}, cancel after {CancelAfter}{(CancelBeforeSending ? " before sending" : string.Empty)}, break after {BreakAfter}, crash {Crash} keep {KeepAfterLastIntent} tear {TearBytes}, second {SecondRunner}, parallel {MaxParallel}, max wait {MaxWaitSeconds})";
    }

    public sealed record FleetCase(ClusterCase[] Clusters, RunCase[] Runs, int Seed)
    {
        public override string ToString() => $"seed {Seed}; clusters: {string.Join(" | ", Clusters.Select(c => c.ToString()))}; runs: {string.Join(" | ", Runs.Select(r => r.ToString()))}";
    }

    // Drops the answer to the run requests a case scripts as "answer-lost": the request reached the fake, which accepted
    // it (the command runs), and the connection breaks before the answer arrives, as when a network path fails after
    // the service committed the request. WireMock cannot break a connection mid-answer, so the break is on this side.
    private sealed class LoseAnswers(HttpMessageHandler inner, FleetCase fleet, List<ClusterId> clusters) : DelegatingHandler(inner)
    {
        private readonly Dictionary<int, int> _posts = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var index = request.Method == HttpMethod.Post ? clusters.FindIndex(c => request.RequestUri!.AbsolutePath.Contains("/managedClusters/" + c.ClusterName + "/", StringComparison.OrdinalIgnoreCase)) : -1;
            var nth = -1;
            if (index >= 0)
            {
                lock (_posts)
                {
                    nth = _posts[index] = _posts.GetValueOrDefault(index, -1) + 1;
                }
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (index >= 0 && nth < fleet.Clusters[index].Starts.Length && fleet.Clusters[index].Starts[nth].Kind == "answer-lost")
            {
                response.Dispose();
                throw new HttpRequestException("The connection was reset before the answer arrived (answer-lost).", new IOException("connection reset"));
            }

            return response;
        }
    }

    // Counts the requests of one client on the wire and cancels its run at the k-th: as it is sent, or once it answered.
    private sealed class CancelAfterRequests(HttpMessageHandler inner, int after, bool beforeSending, CancellationTokenSource? cancel) : DelegatingHandler(inner)
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _requests);
            if (n == after && beforeSending && cancel is not null)
            {
                await cancel.CancelAsync();
            }

            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                if (n == after && !beforeSending && cancel is not null)
                {
                    await cancel.CancelAsync();
                }
            }
        }
    }
}
