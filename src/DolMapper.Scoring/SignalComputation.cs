using System.Numerics;
using System.Text.Json;
using DolMapper.Scoring.Hcp;

namespace DolMapper.Scoring;

/// <summary>The scored population and their signals, before they are written.</summary>
/// <param name="Population">The person indexes scored, in table order.</param>
/// <param name="Table">The raw measures of the ten questions per scored person.</param>
/// <param name="Result">The normalised signals, scores, ranks and tiers.</param>
/// <param name="Evidence">Writes the evidence JSON of the i-th scored person when asked (one at a time, while the scores stream to the database, so no run holds them all).</param>
/// <param name="Profession">The profession to show for a person index: the classifier's, or none when behaviour identified them.</param>
/// <param name="Details">What the run records about itself in <c>scoring_runs.details</c> (population, bots, topic expansion, the behaviour model).</param>
public sealed record ComputedRun(int[] Population, ScoreTable Table, ScoreResult Result, Func<int, string> Evidence, Func<int, string?> Profession, Dictionary<string, object> Details)
{
    /// <summary>HCPs who would have been scored but for the profile's relevance floor or market, with the reason.</summary>
    public IReadOnlyList<NotRankedPerson> NotRanked { get; init; } = [];
}

/// <summary>A person (index) the profile does not rank, and why (one of <see cref="NotRankedReasons"/>).</summary>
public sealed record NotRankedPerson(int Person, string Reason);

/// <summary>Why an HCP who posted in the window is not ranked by a profile.</summary>
public static class NotRankedReasons
{
    /// <summary>A topic-scoped profile, and no relevant post in the window.</summary>
    public const string NoRelevantPost = "no_relevant_post";
    /// <summary>A market profile, and the person's own location resolves to a country outside it.</summary>
    public const string OutsideMarket = "outside_market";
    /// <summary>A market profile, and the person's own location is unknown (or not resolved with confidence).</summary>
    public const string UnknownLocation = "unknown_location";

    /// <summary>Every reason, in the order the rankings page lists them.</summary>
    public static readonly IReadOnlyList<string> All = [NoRelevantPost, OutsideMarket, UnknownLocation];
}

/// <summary>How peer trust is read in a topic (docs/scoring.md, "Topic scope and market").</summary>
public enum TopicPeerTrust
{
    /// <summary>PageRank over the topic's engagement graph only (the default).</summary>
    TopicGraph,
    /// <summary>PageRank over every engagement, its random jumps personalised towards each peer's relevant posts (kept for comparison).</summary>
    Personalised,
}

/// <summary>
/// Turns a run's inputs into the ten raw measures per person (docs/scoring.md), in one pass over
/// the account aggregates and one over the interactions, then PageRank on the HCP graph.
/// </summary>
public static class SignalComputation
{
    /// <summary>Engagers must be classified HCP with at least this confidence to count as HCP peers (Q2, Q3).</summary>
    public const double PeerConfidence = 0.5;

    /// <summary>A person's own location counts for a market when the gazetteer resolved it with at least this confidence.</summary>
    public const double MarketConfidence = 0.5;

    /// <summary>
    /// The run's scored population, raw measures, scores and evidence for <paramref name="profile"/>.
    /// The interactions of <paramref name="inputs"/> are released once read (a large run should not
    /// hold them through PageRank), so one <see cref="ScoringInputs"/> is computed once.
    /// </summary>
    public static ComputedRun Compute(ScoringInputs inputs, ProfileDefinition profile, TopicPeerTrust topicPeerTrust = TopicPeerTrust.TopicGraph)
    {
        var persons = inputs.PersonIds.Length;
        var topicScoped = profile.TopicScoped;
        var overall = new Reading(ProfileDefinition.AllScope, persons);
        var topic = topicScoped ? new Reading(ProfileDefinition.TopicScope, persons) : null;
        var lastPost = new DateTime[persons];
        var relevant = new int[persons];
        var relevantShares = new int[persons];
        var platforms = new int[persons];
        var congresses = new Dictionary<int, SortedSet<string>>();

        foreach (var ap in inputs.Posts)
        {
            // Bot-like accounts are never scored and their posts count for no one.
            if (!inputs.AccountIndex.TryGetValue(ap.AccountId, out var account) || inputs.AccountBot[account])
            {
                continue;
            }
            var p = inputs.AccountPerson[account];
            if (p < 0)
            {
                continue;
            }
            overall.AddPosts(p, ap.Posts, ap.Shares, ap.Replies, ap.WeeksLow, ap.WeeksHigh, ap.CommunityPosts, inputs.ScholarlyByAccount.GetValueOrDefault(ap.AccountId), ap.Likes, ap.Reposts, ap.Quotes);
            if (inputs.TopicByAccount.TryGetValue(ap.AccountId, out var tp))
            {
                topic?.AddPosts(p, tp.Posts, tp.Shares, tp.Replies, tp.WeeksLow, tp.WeeksHigh, tp.CommunityPosts, tp.Scholarly, tp.Likes, tp.Reposts, tp.Quotes);
                relevantShares[p] += tp.Shares;
            }
            if (ap.LastPost > lastPost[p])
            {
                lastPost[p] = ap.LastPost;
            }
            relevant[p] += inputs.RelevantByAccount.GetValueOrDefault(ap.AccountId);
            platforms[p] |= 1 << inputs.AccountPlatform[account];
            if (inputs.CongressTagsByAccount.TryGetValue(ap.AccountId, out var tags))
            {
                if (!congresses.TryGetValue(p, out var set))
                {
                    congresses[p] = set = new SortedSet<string>(StringComparer.Ordinal);
                }
                set.UnionWith(tags);
            }
        }
        overall.Publications = inputs.Publications;
        topic?.Publications = inputs.TopicPublications;

        // Account-level profile facts summed or averaged per person.
        var followers = new long[persons];
        var completenessSum = new double[persons];
        var accountCount = new int[persons];
        var oldestAccount = new DateTime?[persons];
        for (var a = 0; a < inputs.AccountPerson.Length; a++)
        {
            var p = inputs.AccountPerson[a];
            if (p < 0 || inputs.AccountBot[a])
            {
                continue;
            }
            followers[p] += inputs.AccountFollowers[a];
            completenessSum[p] += inputs.AccountCompleteness[a];
            accountCount[p]++;
            if (inputs.AccountCreated[a] is { } created && (oldestAccount[p] is null || created < oldestAccount[p]))
            {
                oldestAccount[p] = created;
            }
        }

        // Who counts as an HCP peer (Q2, Q3): classified HCP from the profile with confidence ≥ 0.5.
        var isPeer = new bool[persons];
        var peerIndex = new int[persons];
        var peers = 0;
        for (var p = 0; p < persons; p++)
        {
            peerIndex[p] = -1;
            if (!inputs.OptedOut[p] && inputs.IsHcp(p, PeerConfidence))
            {
                isPeer[p] = true;
                peerIndex[p] = peers++;
            }
        }

        // Profiles that say nothing about a role get a second opinion from behaviour; those it finds
        // join the peers too, weighted by that opinion.
        var behaviour = BehaviourOpinion(inputs, overall.Posts, overall.Scholarly, overall.Replies, congresses, isPeer, out var behaviourDetails);
        var peerConfidence = new double[persons];
        for (var p = 0; p < persons; p++)
        {
            if (isPeer[p])
            {
                peerConfidence[p] = inputs.HcpConfidence[p];
            }
        }
        foreach (var (p, probability) in behaviour)
        {
            if (!isPeer[p] && probability >= PeerConfidence)
            {
                isPeer[p] = true;
                peerIndex[p] = peers++;
                peerConfidence[p] = probability;
            }
        }

        // The population: HCPs at the profile's confidence (from the profile, or from behaviour when
        // the profile is silent), not opted out, with a post in the window; in a topic-scoped profile
        // with a relevant post, and in a market profile located in a target country. Those HCPs the
        // floor or the market leave out are not ranked here, with the reason.
        var targets = new HashSet<string>(profile.Countries, StringComparer.Ordinal);
        var inPopulation = new int[persons];
        Array.Fill(inPopulation, -1);
        var population = new List<int>();
        var notRanked = new List<(int Person, string Reason)>();
        for (var p = 0; p < persons; p++)
        {
            if (overall.Posts[p] == 0 || inputs.OptedOut[p]
                || !(inputs.IsHcp(p, profile.MinHcpConfidence) || (behaviour.TryGetValue(p, out var b) && b >= profile.MinHcpConfidence)))
            {
                continue;
            }
            var reason = topicScoped && relevant[p] == 0 ? NotRankedReasons.NoRelevantPost
                : profile.MarketOnly ? MarketReason(inputs, p, targets)
                : null;
            if (reason is not null)
            {
                notRanked.Add((p, reason));
                continue;
            }
            inPopulation[p] = population.Count;
            population.Add(p);
        }

        // Interactions, in one pass: engagers per target (distinct pairs), reach from non-HCPs,
        // community work and the peer graph — over everything, and over the topic's engagements
        // when the profile is topic-scoped.
        var partners = new List<long>(inputs.InteractionCount);
        // Whom they engage, by country (personas' locality, docs/personas.md): engagements made to a
        // person with a known country, and those to someone in their own country.
        var outgoingWithCountry = new int[persons];
        var outgoingOwnCountry = new int[persons];
        var overallTally = new EngagementTally(persons, inputs.InteractionCount);
        var topicTally = topic is null ? null : new EngagementTally(persons, inputs.InteractionCount / 4);
        var inTopic = inputs.InteractionInTopic;
        ForEachEngagement(inputs, (i, s, t, k) =>
        {
            var kind = ScoringInputs.KindNames[k];
            overallTally.Add(inputs, s, t, kind, inPopulation, isPeer, peerIndex, peerConfidence);
            if (topicTally is not null && i < inTopic.Length && inTopic[i])
            {
                topicTally.Add(inputs, s, t, kind, inPopulation, isPeer, peerIndex, peerConfidence);
            }
            if (inPopulation[t] >= 0)
            {
                partners.Add(((long)t << 32) | (uint)s);
            }
            if (inPopulation[s] >= 0)
            {
                partners.Add(((long)s << 32) | (uint)t);
                if (inputs.Country[s] is { } from && inputs.Country[t] is { } to)
                {
                    outgoingWithCountry[s]++;
                    if (string.Equals(from, to, StringComparison.Ordinal))
                    {
                        outgoingOwnCountry[s]++;
                    }
                }
            }
        });

        // The interactions are read; let the collector have them before the graphs are built.
        inputs.InteractionSource = [];
        inputs.InteractionTarget = [];
        inputs.InteractionKind = [];
        inputs.InteractionInTopic = [];
        double[]? towardsTopic = null;
        if (topic is not null && topicPeerTrust == TopicPeerTrust.Personalised && peers > 0)
        {
            towardsTopic = new double[peers];
            for (var p = 0; p < persons; p++)
            {
                if (peerIndex[p] >= 0)
                {
                    towardsTopic[peerIndex[p]] = relevant[p];
                }
            }
            if (towardsTopic.Sum() == 0)
            {
                towardsTopic = null;
            }
        }
        var overallEdges = overallTally.Finish(overall, peers, isPeer, keepEdges: towardsTopic is not null);
        topicTally?.Finish(topic!, peers, isPeer);
        if (towardsTopic is not null && overallEdges is { } edges)
        {
            topic!.PageRank = DolMapper.Scoring.PageRank.Compute(peers, edges.From, edges.To, edges.Weight, personalisation: towardsTopic);
        }

        // Countries of each scored person's conversation partners, both directions, distinct (Q9).
        var partnerCountries = new Dictionary<int, Dictionary<string, int>>();
        ForEachDistinctPair(partners, (p, other) =>
        {
            if (inputs.Country[other] is { } country && inputs.CountryConfidence[other] >= 0.5)
            {
                if (!partnerCountries.TryGetValue(p, out var byCountry))
                {
                    partnerCountries[p] = byCountry = new Dictionary<string, int>(StringComparer.Ordinal);
                }
                byCountry[country] = byCountry.GetValueOrDefault(country) + 1;
            }
        });

        // Q9 without targets: how much more of a person's conversation stays at home than the field's
        // does. The field's mix is every scored person's partners by country; a person's home is their
        // own country, or where most of their partners are when their own is unknown.
        var fieldMix = new Dictionary<string, int>(StringComparer.Ordinal);
        var homeTotals = new Dictionary<string, (int Home, int All)>(StringComparer.Ordinal);
        foreach (var p in population)
        {
            if (partnerCountries.GetValueOrDefault(p) is not { } byCountry)
            {
                continue;
            }
            foreach (var (country, count) in byCountry)
            {
                fieldMix[country] = fieldMix.GetValueOrDefault(country) + count;
            }
            if (HomeOf(p, byCountry) is { } home)
            {
                var totals = homeTotals.GetValueOrDefault(home);
                homeTotals[home] = (totals.Home + byCountry.GetValueOrDefault(home), totals.All + byCountry.Values.Sum());
            }
        }
        var fieldTotal = Math.Max(1, fieldMix.Values.Sum());
        string? HomeOf(int p, Dictionary<string, int>? byCountry) =>
            inputs.Country[p] ?? byCountry?.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault().Key;
        var homeBiases = new List<double>();
        double? HomeBiasOf(int p, Dictionary<string, int> byCountry)
        {
            if (HomeOf(p, byCountry) is not { } home)
            {
                return null;
            }
            var typical = homeTotals.TryGetValue(home, out var t) && t.All > 0 ? (double)t.Home / t.All : 0;
            return SignalFormulas.HomeBias(byCountry.GetValueOrDefault(home), byCountry.Values.Sum(), typical, fieldMix.GetValueOrDefault(home) / (double)fieldTotal);
        }
        foreach (var p in population)
        {
            if (HomeBiasOf(p, partnerCountries.GetValueOrDefault(p) ?? []) is { } bias)
            {
                homeBiases.Add(bias);
            }
        }
        // Nobody to judge by: the population's average, neither local nor global.
        var averageHomeBias = homeBiases.Count == 0 ? 0 : homeBiases.Average();

        // The table.
        var n = population.Count;
        var table = new ScoreTable(n);
        var weeksInWindow = (int)Math.Ceiling(inputs.WindowDays / 7.0);
        var graphNodes = Math.Max(1, peers);
        Facts FactsOf(int i)
        {
            var p = population[i];
            var congressTags = congresses.TryGetValue(p, out var set) ? set.ToArray() : [];
            var relationship = inputs.Relationships.TryGetValue(p, out var rel) ? rel : ((string Kind, DateOnly? Since)?)null;
            var byCountry = partnerCountries.GetValueOrDefault(p) ?? [];
            var withCountry = byCountry.Values.Sum();
            var inTarget = byCountry.Where(c => targets.Contains(c.Key)).Sum(c => c.Value);
            var ownInTarget = inputs.Country[p] is { } own && targets.Contains(own);
            var top = byCountry.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
            var entropy = SignalFormulas.CountryEntropy(byCountry.Values);
            var home = HomeOf(p, byCountry.Count > 0 ? byCountry : null);
            var homeBias = HomeBiasOf(p, byCountry) ?? averageHomeBias;
            var ageYears = oldestAccount[p] is { } oldest ? Math.Max(0, (inputs.Snapshot - oldest).TotalDays / 365.25) : 0;
            var completeness = accountCount[p] == 0 ? 0 : completenessSum[p] / accountCount[p];
            var platformNames = Enumerable.Range(0, ScoringInputs.PlatformNames.Length).Where(b => (platforms[p] & (1 << b)) != 0).Select(b => ScoringInputs.PlatformNames[b]).ToArray();
            return new Facts(p, peerIndex[p], congressTags, relationship, byCountry, withCountry, inTarget, ownInTarget, top, entropy, home, homeBias, ageYears, completeness, platformNames);
        }

        var m = new Measures
        {
            Inputs = inputs, Targets = targets, WeeksInWindow = weeksInWindow, GraphNodes = graphNodes, Peers = peers,
            Overall = overall, Topic = topic, LastPost = lastPost, Relevant = relevant, RelevantShares = relevantShares, Followers = followers,
            OutgoingWithCountry = outgoingWithCountry, OutgoingOwnCountry = outgoingOwnCountry,
        };
        // In a topic-scoped profile the topic-read questions are also measured over everything, for the evidence.
        var overallSteps = topic is null ? [] : Steps.Where(s => s.OverallMeasure is not null).ToArray();
        var overallValues = overallSteps.Select(_ => new double[n]).ToArray();
        for (var i = 0; i < n; i++)
        {
            var facts = FactsOf(i);
            for (var q = 0; q < Questions.Count; q++)
            {
                (table.Ranked[q][i], table.Raw[q][i]) = Steps[q].Measure(m, facts);
            }
            for (var k = 0; k < overallSteps.Length; k++)
            {
                overallValues[k][i] = overallSteps[k].OverallMeasure!(m, facts);
            }
        }
        var normalised = new double[n];
        for (var k = 0; k < overallSteps.Length; k++)
        {
            PercentileRank.Normalise(overallValues[k], normalised);
            var byPerson = new double[persons];
            for (var i = 0; i < n; i++)
            {
                byPerson[population[i]] = normalised[i];
            }
            m.OverallPercentile[overallSteps[k].Key] = byPerson;
        }

        var json = new System.Buffers.ArrayBufferWriter<byte>(2048);
        string EvidenceOf(int i)
        {
            var facts = FactsOf(i);
            var p = facts.P;
            json.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(json))
            {
                w.WriteStartObject();
                w.WriteStartObject("identification");
                var byProfile = inputs.IsHcp(p, profile.MinHcpConfidence);
                w.WriteString("by", byProfile ? "profile" : "behaviour");
                w.WriteNumber("hcp_confidence", Round(byProfile ? inputs.HcpConfidence[p] : behaviour.GetValueOrDefault(p)));
                w.WriteEndObject();
                foreach (var step in Steps)
                {
                    step.Evidence(w, m, facts);
                }
                w.WriteEndObject();
            }
            return System.Text.Encoding.UTF8.GetString(json.WrittenSpan);
        }

        var tieBreak = population.Select(p => inputs.PersonIds[p]).ToArray();
        var result = table.Compute(profile.ToWeights(), tieBreak);
        var details = new Dictionary<string, object>
        {
            ["population"] = n,
            ["scope"] = profile.EffectiveScope,
            ["located_in_countries_only"] = profile.MarketOnly,
            ["not_ranked"] = NotRankedReasons.All.ToDictionary(r => r, r => notRanked.Count(x => x.Reason == r)),
            ["hcp_peers"] = peers,
            ["peer_edges"] = overallTally.PeerEdges,
            ["pagerank_iterations"] = overall.PageRank!.Iterations,
            ["pagerank_l1_change"] = overall.PageRank.L1Change,
            ["pagerank_converged"] = overall.PageRank.Converged,
            ["interactions"] = inputs.InteractionCount,
            ["identified_by_behaviour"] = population.Count(p => !inputs.IsHcp(p, profile.MinHcpConfidence)),
            ["behaviour_model"] = behaviourDetails,
        };
        if (topic is not null)
        {
            details["topic_graph"] = new Dictionary<string, object>
            {
                ["peer_edges"] = topicTally!.PeerEdges,
                ["pagerank_iterations"] = topic.PageRank!.Iterations,
                ["pagerank_converged"] = topic.PageRank.Converged,
                ["interactions_in_topic"] = topicTally.Engagements,
            };
        }
        string? ProfessionOf(int p) => inputs.IsHcp(p, profile.MinHcpConfidence) ? inputs.Profession[p] : null;
        return new ComputedRun([.. population], table, result, EvidenceOf, ProfessionOf, details)
        {
            NotRanked = [.. notRanked.Select(x => new NotRankedPerson(x.Person, x.Reason))],
        };
    }

    /// <summary>Why a market profile leaves a person out: located elsewhere, or not located well enough to say; null when they are in a target country.</summary>
    private static string? MarketReason(ScoringInputs inputs, int p, HashSet<string> targets) =>
        inputs.Country[p] is not { } country || inputs.CountryConfidence[p] < MarketConfidence ? NotRankedReasons.UnknownLocation
        : targets.Contains(country) ? null
        : NotRankedReasons.OutsideMarket;

    private static double Round(double value) => Math.Round(value, 6);

    /// <summary>Sorts pairs packed as (first &lt;&lt; 32 | second) and visits each distinct pair once.</summary>
    private static void ForEachDistinctPair(List<long> pairs, Action<int, int> visit)
    {
        var sorted = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pairs);
        sorted.Sort();
        long previous = -1;
        foreach (var pair in sorted)
        {
            if (pair != previous)
            {
                previous = pair;
                visit((int)(pair >> 32), (int)(pair & 0xFFFFFFFF));
            }
        }
    }

    /// <summary>
    /// Visits each engagement that counts (docs/scoring.md): not from a bot-like account, both ends
    /// known persons, and not a person engaging themselves (accounts merged).
    /// </summary>
    private static void ForEachEngagement(ScoringInputs inputs, Action<int, int, int, byte> visit)
    {
        for (var i = 0; i < inputs.InteractionCount; i++)
        {
            var sa = inputs.InteractionSource[i];
            if (inputs.AccountBot[sa])
            {
                continue;
            }
            var s = inputs.AccountPerson[sa];
            var t = inputs.AccountPerson[inputs.InteractionTarget[i]];
            if (s >= 0 && t >= 0 && s != t)
            {
                visit(i, s, t, inputs.InteractionKind[i]);
            }
        }
    }

    /// <summary>
    /// The behaviour model (<see cref="BehaviouralHcp"/>), fitted on the persons whose profiles
    /// speak and applied to those whose profiles are silent: their probability of being an HCP.
    /// </summary>
    private static Dictionary<int, double> BehaviourOpinion(
        ScoringInputs inputs, int[] posts, int[] scholarly, int[] replies, Dictionary<int, SortedSet<string>> congresses, bool[] isPeer, out object details)
    {
        var persons = inputs.PersonIds.Length;
        var received = new int[persons];
        var receivedFromPeers = new int[persons];
        var made = new int[persons];
        var madeToPeers = new int[persons];
        ForEachEngagement(inputs, (_, s, t, _) =>
        {
            received[t]++;
            made[s]++;
            if (isPeer[s])
            {
                receivedFromPeers[t]++;
            }
            if (isPeer[t])
            {
                madeToPeers[s]++;
            }
        });
        float[] FeaturesOf(int p) => BehaviouralHcp.Features(posts[p], scholarly[p], received[p], receivedFromPeers[p], made[p], madeToPeers[p], congresses.TryGetValue(p, out var c) ? c.Count : 0, replies[p]);

        var examples = new List<(float[], bool)>();
        var silent = new List<int>();
        for (var p = 0; p < persons; p++)
        {
            if (posts[p] == 0 || inputs.OptedOut[p])
            {
                continue;
            }
            if (inputs.Uninformative[p])
            {
                silent.Add(p);
            }
            else if (inputs.IsHcp(p, 0.8))
            {
                examples.Add((FeaturesOf(p), true));
            }
            else if (inputs.Profession[p] is not null && !HcpLabels.IsHcp(inputs.Profession[p]) && inputs.HcpConfidence[p] <= 0.2)
            {
                examples.Add((FeaturesOf(p), false));
            }
        }
        var model = silent.Count == 0 ? null : BehaviouralHcp.Fit(examples);
        if (model is null)
        {
            details = new { fitted = false, silent_profiles = silent.Count, examples = examples.Count };
            return [];
        }
        var probabilities = model.Predict([.. silent.Select(FeaturesOf)]);
        var opinion = new Dictionary<int, double>(silent.Count);
        for (var k = 0; k < silent.Count; k++)
        {
            opinion[silent[k]] = probabilities[k];
        }
        details = new { fitted = true, silent_profiles = silent.Count, examples = examples.Count, hcp_examples = examples.Count(e => e.Item2) };
        return opinion;
    }

    /// <summary>What every question's step reads: the run's per-person aggregates (indexed by person p).</summary>
    private sealed class Measures
    {
        public required ScoringInputs Inputs { get; init; }
        public required HashSet<string> Targets { get; init; }
        public required int WeeksInWindow { get; init; }
        public required int GraphNodes { get; init; }
        public required int Peers { get; init; }
        /// <summary>Everything each person does in the window.</summary>
        public required Reading Overall { get; init; }
        /// <summary>Their relevant posts and the topic's engagement graph; null when the profile's scope is <c>all</c>.</summary>
        public required Reading? Topic { get; init; }
        /// <summary>In a topic-scoped profile: each topic-read question's percentile over everything, by person p.</summary>
        public Dictionary<string, double[]> OverallPercentile { get; } = new(StringComparer.Ordinal);
        public required DateTime[] LastPost { get; init; }
        public required int[] Relevant { get; init; }
        /// <summary>Of <see cref="Relevant"/>, reposts of another's post (left out of relevance's share, as from its posts).</summary>
        public required int[] RelevantShares { get; init; }
        /// <summary>Relevant posts in the person's own words (relevance's part).</summary>
        public int RelevantOwn(int p) => Relevant[p] - RelevantShares[p];
        public required long[] Followers { get; init; }
        public required int[] OutgoingWithCountry { get; init; }
        public required int[] OutgoingOwnCountry { get; init; }

        /// <summary>The reading the topic-readable questions are scored on.</summary>
        public Reading Scored => Topic ?? Overall;
    }

    /// <summary>
    /// One reading of the questions that can be read in the topic (hcp_following, peer_trust,
    /// activity, public_influence, science, community): over everything a person does, or over
    /// their relevant posts and the engagements with and between relevant posts.
    /// </summary>
    private sealed class Reading(string scope, int persons)
    {
        public string Scope { get; } = scope;
        public int[] Posts { get; } = new int[persons];
        /// <summary>Of <see cref="Posts"/>, reposts of another's post.</summary>
        public int[] Shares { get; } = new int[persons];
        public int[] Replies { get; } = new int[persons];
        public long[] WeeksLow { get; } = new long[persons];
        public long[] WeeksHigh { get; } = new long[persons];
        public int[] CommunityPosts { get; } = new int[persons];
        public int[] Scholarly { get; } = new int[persons];
        public long[] Likes { get; } = new long[persons];
        public long[] Reposts { get; } = new long[persons];
        public long[] Quotes { get; } = new long[persons];
        public int[] Engagers { get; set; } = [];
        public int[] HcpEngagers { get; set; } = [];
        public long[] NonHcpEngagements { get; set; } = [];
        public int[] CommunityEngagements { get; set; } = [];
        public int[] EngagementsMade { get; set; } = [];
        public int[] RepliesToNonHcp { get; set; } = [];
        public PageRankResult? PageRank { get; set; }
        public IReadOnlyDictionary<int, int> Publications { get; set; } = new Dictionary<int, int>();

        public void AddPosts(int p, int posts, int shares, int replies, long weeksLow, long weeksHigh, int communityPosts, int scholarly, long likes, long reposts, long quotes)
        {
            Posts[p] += posts;
            Shares[p] += shares;
            Replies[p] += replies;
            WeeksLow[p] |= weeksLow;
            WeeksHigh[p] |= weeksHigh;
            CommunityPosts[p] += communityPosts;
            Scholarly[p] += scholarly;
            Likes[p] += likes;
            Reposts[p] += reposts;
            Quotes[p] += quotes;
        }

        public int WeeksActive(int p) => BitOperations.PopCount((ulong)WeeksLow[p]) + BitOperations.PopCount((ulong)WeeksHigh[p]);

        public double PeerTrust(in Facts f) => f.PeerIndex >= 0 ? PageRank!.Ranks[f.PeerIndex] : 0;

        /// <summary>Posts in the person's own words: everything but reposts of others' posts.</summary>
        public int Own(int p) => Posts[p] - Shares[p];

        public double ReachPerPost(int p) => Own(p) == 0 ? 0 : (double)(Likes[p] + Reposts[p] + Quotes[p]) / Own(p);

        public int PublicationsOf(int p) => Publications.GetValueOrDefault(p);
    }

    /// <summary>Engagements counted for one reading: distinct engager pairs per scored target, reach from non-HCPs, community work, and the peer graph's edges.</summary>
    private sealed class EngagementTally(int persons, int capacity)
    {
        private readonly List<long> _pairs = new(capacity);
        private readonly long[] _nonHcpEngagements = new long[persons];
        private readonly int[] _communityEngagements = new int[persons];
        private readonly int[] _engagementsMade = new int[persons];
        private readonly int[] _repliesToNonHcp = new int[persons];
        private List<int> _edgeFrom = [];
        private List<int> _edgeTo = [];
        private List<double> _edgeWeight = [];

        public int PeerEdges { get; private set; }
        public int Engagements { get; private set; }

        public void Add(ScoringInputs inputs, int s, int t, string kind, int[] inPopulation, bool[] isPeer, int[] peerIndex, double[] peerConfidence)
        {
            Engagements++;
            if (inPopulation[t] >= 0)
            {
                _pairs.Add(((long)t << 32) | (uint)s);
                if (!isPeer[s])
                {
                    _nonHcpEngagements[t]++;
                }
            }
            if (inPopulation[s] >= 0)
            {
                _engagementsMade[s]++;
                if (inputs.Profession[t] is HcpLabels.PatientAdvocate or HcpLabels.Organisation)
                {
                    _communityEngagements[s]++;
                }
                if (kind == "reply" && !isPeer[t])
                {
                    _repliesToNonHcp[s]++;
                }
            }
            if (isPeer[s] && isPeer[t])
            {
                _edgeFrom.Add(peerIndex[s]);
                _edgeTo.Add(peerIndex[t]);
                _edgeWeight.Add(SignalFormulas.KindWeight(kind) * peerConfidence[s]);
            }
        }

        /// <summary>Counts distinct engagers (and the HCPs among them), runs PageRank on the peer graph, and hands both to <paramref name="reading"/>.</summary>
        /// <returns>The peer graph's edges when <paramref name="keepEdges"/> (for a second PageRank over them), else null.</returns>
        public (int[] From, int[] To, double[] Weight)? Finish(Reading reading, int peers, bool[] isPeer, bool keepEdges = false)
        {
            PeerEdges = _edgeFrom.Count;
            reading.PageRank = DolMapper.Scoring.PageRank.Compute(peers,
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_edgeFrom),
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_edgeTo),
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_edgeWeight));
            (int[], int[], double[])? kept = keepEdges ? ([.. _edgeFrom], [.. _edgeTo], [.. _edgeWeight]) : null;
            _edgeFrom = _edgeTo = null!;
            _edgeWeight = null!;

            var engagers = new int[isPeer.Length];
            var hcpEngagers = new int[isPeer.Length];
            ForEachDistinctPair(_pairs, (t, s) =>
            {
                engagers[t]++;
                if (isPeer[s])
                {
                    hcpEngagers[t]++;
                }
            });
            reading.Engagers = engagers;
            reading.HcpEngagers = hcpEngagers;
            reading.NonHcpEngagements = _nonHcpEngagements;
            reading.CommunityEngagements = _communityEngagements;
            reading.EngagementsMade = _engagementsMade;
            reading.RepliesToNonHcp = _repliesToNonHcp;
            return kept;
        }
    }

    /// <summary>
    /// One question's part of a run: its measure for a person (the value ranked, and the raw value
    /// reported — the same for all but activity) and its evidence object, named by the question's key.
    /// </summary>
    /// <summary>One question: its measure, its evidence and, for a question read in the topic, its ranked value over everything (for the evidence's overall percentile).</summary>
    private sealed record QuestionStep(string Key, Func<Measures, Facts, (double Ranked, double Raw)> Measure, Action<Utf8JsonWriter, Measures, Facts> Evidence,
        Func<Measures, Facts, double>? OverallMeasure = null);

    /// <summary>
    /// The step of a question that can be read in the topic: measured on the scored reading (the
    /// topic's in a topic-scoped profile); its evidence gives that reading's figures and, in a
    /// topic-scoped profile, the overall figures beside them (<c>"scope": "topic"</c>, <c>"overall": {…}</c>).
    /// </summary>
    private static QuestionStep InTopic(string key, Func<Measures, Facts, Reading, (double Ranked, double Raw)> measure, Action<Utf8JsonWriter, Measures, Facts, Reading> fields) =>
        new(key, (m, f) => measure(m, f, m.Scored), (w, m, f) =>
        {
            w.WriteStartObject(key);
            fields(w, m, f, m.Scored);
            if (m.Topic is not null)
            {
                w.WriteString("scope", ProfileDefinition.TopicScope);
                w.WriteStartObject("overall");
                fields(w, m, f, m.Overall);
                // Where the person stands over everything they do (0–100, as the signals): what
                // personas are made of, since how someone behaves is not a topic's.
                w.WriteNumber("percentile", Round(100 * m.OverallPercentile[key][f.P]));
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }, (m, f) => measure(m, f, m.Overall).Ranked);

    private static (double, double) Same(double value) => (value, value);

    /// <summary>Reach per post; in the topic, with the overall reach as prior (<see cref="SignalFormulas.InTopicShare"/>).</summary>
    private static double ReachPerPost(Measures m, Reading r, int p)
    {
        if (r == m.Overall)
        {
            return r.ReachPerPost(p);
        }
        var (reach, posts) = SignalFormulas.InTopicShare(r.Likes[p] + r.Reposts[p] + r.Quotes[p], r.Own(p),
            m.Overall.Likes[p] + m.Overall.Reposts[p] + m.Overall.Quotes[p], m.Overall.Own(p));
        return posts <= 0 ? 0 : reach / posts;
    }

    /// <summary>Engagements from non-HCPs per own post; in the topic with the overall rate as prior (<see cref="SignalFormulas.InTopicShare"/>).</summary>
    private static double NonHcpEngagementsPerPost(Measures m, Reading r, int p)
    {
        var (engagements, posts) = r == m.Overall
            ? (r.NonHcpEngagements[p], r.Own(p))
            : SignalFormulas.InTopicShare(r.NonHcpEngagements[p], r.Own(p), m.Overall.NonHcpEngagements[p], m.Overall.Own(p));
        return posts <= 0 ? 0 : engagements / posts;
    }

    private static (double Work, double Actions) CommunityWork(Reading r, int p) =>
        (SignalFormulas.CommunityWork(r.CommunityEngagements[p], r.CommunityPosts[p], r.RepliesToNonHcp[p]), r.EngagementsMade[p] + r.Own(p));

    private static double Share(double part, double whole) => whole == 0 ? 0 : Round(part / whole);

    /// <summary>The steps by question key, in the order of <see cref="Questions.All"/> (checked at start-up).</summary>
    private static readonly QuestionStep[] Steps = InOrder(
    [
        new(Questions.Relevance,
            (m, f) => Same(SignalFormulas.Relevance(m.RelevantOwn(f.P), m.Overall.Own(f.P))),
            (w, m, f) =>
            {
                w.WriteStartObject(Questions.Relevance);
                w.WriteNumber("relevant_posts", m.RelevantOwn(f.P));
                w.WriteNumber("posts", m.Overall.Own(f.P));
                w.WriteNumber("share", Share(m.RelevantOwn(f.P), m.Overall.Own(f.P)));
                w.WriteNumber("reposts", m.Overall.Shares[f.P]);
                w.WriteEndObject();
            }),
        InTopic(Questions.HcpFollowing,
            (m, f, r) => Same(r.HcpEngagers[f.P]),
            (w, m, f, r) =>
            {
                var p = f.P;
                w.WriteNumber("hcp_engagers", r.HcpEngagers[p]);
                w.WriteNumber("engagers", r.Engagers[p]);
                w.WriteNumber("public_engagers", r.Engagers[p] - r.HcpEngagers[p]);
                w.WriteNumber("hcp_share", Share(r.HcpEngagers[p], r.Engagers[p]));
                w.WriteNumber("followers", m.Followers[p]);
            }),
        InTopic(Questions.PeerTrust,
            (m, f, r) => Same(r.PeerTrust(f)),
            (w, m, f, r) =>
            {
                w.WriteNumber("pagerank", r.PeerTrust(f));
                w.WriteNumber("relative_to_average", Round(r.PeerTrust(f) * m.GraphNodes));
                w.WriteNumber("graph_nodes", m.Peers);
            }),
        InTopic(Questions.Activity,
            // Ranked on the composite of volume, replies and steadiness; reported as posts per week.
            (m, f, r) => (SignalFormulas.ActivityComposite(r.Posts[f.P], r.Replies[f.P], r.WeeksActive(f.P), m.Inputs.WindowDays),
                          SignalFormulas.PostsPerWeek(r.Posts[f.P], m.Inputs.WindowDays)),
            (w, m, f, r) =>
            {
                var p = f.P;
                w.WriteNumber("posts_per_week", Round(SignalFormulas.PostsPerWeek(r.Posts[p], m.Inputs.WindowDays)));
                w.WriteNumber("replies", r.Replies[p]);
                w.WriteNumber("reply_share", Share(r.Replies[p], r.Posts[p]));
                w.WriteNumber("weeks_active", r.WeeksActive(p));
                w.WriteNumber("weeks", m.WeeksInWindow);
                w.WriteNumber("days_since_last_post", Math.Round((m.Inputs.Snapshot - m.LastPost[p]).TotalDays, 1));
                w.WriteNumber("ranked_value", Round(SignalFormulas.ActivityComposite(r.Posts[p], r.Replies[p], r.WeeksActive(p), m.Inputs.WindowDays)));
            }),
        InTopic(Questions.PublicInfluence,
            (m, f, r) => Same(SignalFormulas.PublicInfluence(m.Followers[f.P], NonHcpEngagementsPerPost(m, r, f.P), ReachPerPost(m, r, f.P))),
            (w, m, f, r) =>
            {
                var p = f.P;
                w.WriteNumber("followers", m.Followers[p]);
                w.WriteNumber("non_hcp_engagements", r.NonHcpEngagements[p]);
                w.WriteNumber("non_hcp_engagements_per_post", Round(NonHcpEngagementsPerPost(m, r, p)));
                w.WriteNumber("likes", r.Likes[p]);
                w.WriteNumber("reposts", r.Reposts[p]);
                w.WriteNumber("quotes", r.Quotes[p]);
                w.WriteNumber("reach_per_post", Round(ReachPerPost(m, r, p)));
                w.WriteNumber("mean_likes_per_post", Share(r.Likes[p], r.Own(p)));
            }),
        new(Questions.Presence,
            (m, f) => Same(SignalFormulas.Presence(f.PlatformNames.Length, f.Completeness, f.AgeYears)),
            (w, m, f) =>
            {
                w.WriteStartObject(Questions.Presence);
                w.WriteStartArray("platforms");
                foreach (var name in f.PlatformNames)
                {
                    w.WriteStringValue(name);
                }
                w.WriteEndArray();
                w.WriteNumber("completeness", Round(f.Completeness));
                w.WriteNumber("account_age_years", Round(f.AgeYears));
                w.WriteEndObject();
            }),
        new(Questions.Relationship,
            (m, f) => Same(f.Relationship is { } r ? SignalFormulas.Relationship(r.Kind, r.Since, m.Inputs.Snapshot) : 0),
            (w, m, f) =>
            {
                if (f.Relationship is not { } rr)
                {
                    w.WriteNull(Questions.Relationship);
                    return;
                }
                w.WriteStartObject(Questions.Relationship);
                w.WriteString("kind", rr.Kind);
                if (rr.Since is { } since)
                {
                    w.WriteString("since", since.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    w.WriteNull("since");
                }
                w.WriteEndObject();
            }),
        InTopic(Questions.Science,
            (m, f, r) =>
            {
                var p = f.P;
                var (scholarly, posts) = r == m.Overall ? (r.Scholarly[p], r.Own(p))
                    : SignalFormulas.InTopicShare(r.Scholarly[p], r.Own(p), m.Overall.Scholarly[p], m.Overall.Own(p));
                return Same(SignalFormulas.Science(scholarly, posts, f.CongressTags.Length, r.PublicationsOf(p)));
            },
            (w, m, f, r) =>
            {
                w.WriteNumber("scholarly_posts", r.Scholarly[f.P]);
                w.WriteNumber("posts", r.Posts[f.P]);
                w.WriteStartArray("congresses");
                foreach (var tag in f.CongressTags)
                {
                    w.WriteStringValue(tag);
                }
                w.WriteEndArray();
                w.WriteNumber("publications", r.PublicationsOf(f.P));
            }),
        new(Questions.Geography,
            // Fit to the profile's target countries when it names some; else how far the conversation goes beyond home.
            (m, f) => Same(m.Targets.Count > 0 ? SignalFormulas.GeographyFit(f.InTarget, f.WithCountry, f.OwnInTarget) : 1 - f.HomeBias),
            (w, m, f) =>
            {
                var p = f.P;
                w.WriteStartObject(Questions.Geography);
                w.WriteString("label", SignalFormulas.GeographyLabel(f.Top.Value, f.WithCountry));
                w.WriteNumber("partners_with_country", f.WithCountry);
                if (m.Targets.Count > 0)
                {
                    w.WriteNumber("in_target", f.InTarget);
                    w.WriteBoolean("own_country_in_target", f.OwnInTarget);
                }
                WriteStringOrNull(w, "own_country", m.Inputs.Country[p]);
                WriteStringOrNull(w, "top_country", f.Top.Key);
                w.WriteNumber("entropy", Round(f.Entropy));
                WriteStringOrNull(w, "home_country", f.Home);
                if (f.Home is { } home)
                {
                    w.WriteNumber("home_partners", f.ByCountry.GetValueOrDefault(home));
                }
                w.WriteNumber("home_bias", Round(f.HomeBias));
                if (m.Inputs.Country[p] is { } oc)
                {
                    w.WriteNumber("own_country_partners", f.ByCountry.GetValueOrDefault(oc));
                }
                w.WriteNumber("engaged_with_country", m.OutgoingWithCountry[p]);
                w.WriteNumber("engaged_own_country", m.OutgoingOwnCountry[p]);
                w.WriteEndObject();
            }),
        InTopic(Questions.Community,
            (m, f, r) =>
            {
                var (work, actions) = CommunityWork(r, f.P);
                if (r != m.Overall)
                {
                    var (overallWork, overallActions) = CommunityWork(m.Overall, f.P);
                    (work, actions) = SignalFormulas.InTopicShare(work, actions, overallWork, overallActions);
                }
                return Same(SignalFormulas.CommunityShare(work, actions));
            },
            (w, m, f, r) =>
            {
                var p = f.P;
                w.WriteNumber("community_engagements", r.CommunityEngagements[p]);
                w.WriteNumber("community_hashtag_posts", r.CommunityPosts[p]);
                w.WriteNumber("replies_to_non_hcp", r.RepliesToNonHcp[p]);
                w.WriteNumber("engagements_made", r.EngagementsMade[p]);
                w.WriteNumber("posts", r.Posts[p]);
            }),
    ]);

    /// <summary>The steps in the order of the question keys; a question without its step (or a step of no question) fails at start-up.</summary>
    private static QuestionStep[] InOrder(QuestionStep[] steps)
    {
        var byKey = steps.ToDictionary(s => s.Key, StringComparer.Ordinal);
        if (byKey.Count != Questions.Count || !Questions.All.All(byKey.ContainsKey))
        {
            throw new InvalidOperationException("Every question needs exactly one step: " + string.Join(", ", Questions.All.Where(k => !byKey.ContainsKey(k))));
        }
        return [.. Questions.All.Select(k => byKey[k])];
    }

    /// <summary>What the signals of one scored person are computed from that no reading changes (again when their evidence is written).</summary>
    private readonly record struct Facts(
        int P, int PeerIndex, string[] CongressTags, (string Kind, DateOnly? Since)? Relationship,
        Dictionary<string, int> ByCountry, int WithCountry, int InTarget, bool OwnInTarget, KeyValuePair<string, int> Top, double Entropy,
        string? Home, double HomeBias, double AgeYears, double Completeness, string[] PlatformNames);

    private static void WriteStringOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
