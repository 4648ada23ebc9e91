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
public sealed record ComputedRun(int[] Population, ScoreTable Table, ScoreResult Result, Func<int, string> Evidence, Func<int, string?> Profession, Dictionary<string, object> Details);

/// <summary>
/// Turns a run's inputs into the ten raw measures per person (docs/scoring.md), in one pass over
/// the account aggregates and one over the interactions, then PageRank on the HCP graph.
/// </summary>
public static class SignalComputation
{
    /// <summary>Engagers must be classified HCP with at least this confidence to count as HCP peers (Q2, Q3).</summary>
    public const double PeerConfidence = 0.5;

    /// <summary>
    /// The run's scored population, raw measures, scores and evidence for <paramref name="profile"/>.
    /// The interactions of <paramref name="inputs"/> are released once read (a large run should not
    /// hold them through PageRank), so one <see cref="ScoringInputs"/> is computed once.
    /// </summary>
    public static ComputedRun Compute(ScoringInputs inputs, ProfileDefinition profile)
    {
        var persons = inputs.PersonIds.Length;
        var posts = new int[persons];
        var replies = new int[persons];
        var weeksLow = new long[persons];
        var weeksHigh = new long[persons];
        var lastPost = new DateTime[persons];
        var relevant = new int[persons];
        var communityPosts = new int[persons];
        var scholarly = new int[persons];
        var likes = new long[persons];
        var reposts = new long[persons];
        var quotes = new long[persons];
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
            posts[p] += ap.Posts;
            replies[p] += ap.Replies;
            weeksLow[p] |= ap.WeeksLow;
            weeksHigh[p] |= ap.WeeksHigh;
            if (ap.LastPost > lastPost[p])
            {
                lastPost[p] = ap.LastPost;
            }
            relevant[p] += inputs.RelevantByAccount.GetValueOrDefault(ap.AccountId);
            communityPosts[p] += ap.CommunityPosts;
            scholarly[p] += inputs.ScholarlyByAccount.GetValueOrDefault(ap.AccountId);
            likes[p] += ap.Likes;
            reposts[p] += ap.Reposts;
            quotes[p] += ap.Quotes;
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
        var behaviour = BehaviourOpinion(inputs, posts, scholarly, replies, congresses, isPeer, out var behaviourDetails);
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
        // the profile is silent), not opted out, with a post in the window.
        var inPopulation = new int[persons];
        Array.Fill(inPopulation, -1);
        var population = new List<int>();
        for (var p = 0; p < persons; p++)
        {
            if (posts[p] > 0 && !inputs.OptedOut[p]
                && (inputs.IsHcp(p, profile.MinHcpConfidence) || (behaviour.TryGetValue(p, out var b) && b >= profile.MinHcpConfidence)))
            {
                inPopulation[p] = population.Count;
                population.Add(p);
            }
        }

        // Interactions: engagers per target (distinct pairs), reach from non-HCPs, community work, and the peer graph.
        var pairs = new List<long>(inputs.InteractionCount);
        var nonHcpEngagements = new long[persons];
        var communityEngagements = new int[persons];
        var engagementsMade = new int[persons];
        var partners = new List<long>(inputs.InteractionCount);
        var repliesToNonHcp = new int[persons];
        // Whom they engage, by country (personas' locality, docs/personas.md): engagements made to a
        // person with a known country, and those to someone in their own country.
        var outgoingWithCountry = new int[persons];
        var outgoingOwnCountry = new int[persons];
        var edgeFrom = new List<int>();
        var edgeTo = new List<int>();
        var edgeWeight = new List<double>();
        ForEachEngagement(inputs, (s, t, k) =>
        {
            var kind = ScoringInputs.KindNames[k];
            if (inPopulation[t] >= 0)
            {
                pairs.Add(((long)t << 32) | (uint)s);
                partners.Add(((long)t << 32) | (uint)s);
                if (!isPeer[s])
                {
                    nonHcpEngagements[t]++;
                }
            }
            if (inPopulation[s] >= 0)
            {
                engagementsMade[s]++;
                partners.Add(((long)s << 32) | (uint)t);
                if (inputs.Profession[t] is HcpLabels.PatientAdvocate or HcpLabels.Organisation)
                {
                    communityEngagements[s]++;
                }
                if (kind == "reply" && !isPeer[t])
                {
                    repliesToNonHcp[s]++;
                }
                if (inputs.Country[s] is { } from && inputs.Country[t] is { } to)
                {
                    outgoingWithCountry[s]++;
                    if (string.Equals(from, to, StringComparison.Ordinal))
                    {
                        outgoingOwnCountry[s]++;
                    }
                }
            }
            if (isPeer[s] && isPeer[t])
            {
                edgeFrom.Add(peerIndex[s]);
                edgeTo.Add(peerIndex[t]);
                edgeWeight.Add(SignalFormulas.KindWeight(kind) * peerConfidence[s]);
            }
        });

        var peerEdges = edgeFrom.Count;
        // The interactions are read; let the collector have them before the graph is built.
        inputs.InteractionSource = [];
        inputs.InteractionTarget = [];
        inputs.InteractionKind = [];
        var pageRank = PageRank.Compute(peers,
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(edgeFrom),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(edgeTo),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(edgeWeight));
        edgeFrom = edgeTo = null!;
        edgeWeight = null!;

        // Distinct engagers per scored target and their HCP share (Q2).
        var sortedPairs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pairs);
        sortedPairs.Sort();
        var engagers = new int[persons];
        var hcpEngagers = new int[persons];
        long previous = -1;
        foreach (var pair in sortedPairs)
        {
            if (pair == previous)
            {
                continue;
            }
            previous = pair;
            var t = (int)(pair >> 32);
            var s = (int)(pair & 0xFFFFFFFF);
            engagers[t]++;
            if (isPeer[s])
            {
                hcpEngagers[t]++;
            }
        }

        // Countries of each scored person's conversation partners, both directions, distinct (Q9).
        var sortedPartners = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(partners);
        sortedPartners.Sort();
        var partnerCountries = new Dictionary<int, Dictionary<string, int>>();
        previous = -1;
        foreach (var pair in sortedPartners)
        {
            if (pair == previous)
            {
                continue;
            }
            previous = pair;
            var p = (int)(pair >> 32);
            var other = (int)(pair & 0xFFFFFFFF);
            if (inputs.Country[other] is { } country && inputs.CountryConfidence[other] >= 0.5)
            {
                if (!partnerCountries.TryGetValue(p, out var byCountry))
                {
                    partnerCountries[p] = byCountry = new Dictionary<string, int>(StringComparer.Ordinal);
                }
                byCountry[country] = byCountry.GetValueOrDefault(country) + 1;
            }
        }

        // The table.
        var n = population.Count;
        var table = new ScoreTable(n);
        var targets = new HashSet<string>(profile.Countries, StringComparer.Ordinal);
        var weeksInWindow = (int)Math.Ceiling(inputs.WindowDays / 7.0);
        var graphNodes = Math.Max(1, peers);
        Facts FactsOf(int i)
        {
            var p = population[i];
            var weeksActive = BitOperations.PopCount((ulong)weeksLow[p]) + BitOperations.PopCount((ulong)weeksHigh[p]);
            var congressTags = congresses.TryGetValue(p, out var set) ? set.ToArray() : [];
            var publications = inputs.Publications.GetValueOrDefault(p);
            var relationship = inputs.Relationships.TryGetValue(p, out var rel) ? rel : ((string Kind, DateOnly? Since)?)null;
            var byCountry = partnerCountries.GetValueOrDefault(p) ?? [];
            var withCountry = byCountry.Values.Sum();
            var inTarget = byCountry.Where(c => targets.Contains(c.Key)).Sum(c => c.Value);
            var ownInTarget = inputs.Country[p] is { } own && targets.Contains(own);
            var top = byCountry.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
            var entropy = SignalFormulas.CountryEntropy(byCountry.Values);
            var ageYears = oldestAccount[p] is { } oldest ? Math.Max(0, (inputs.Snapshot - oldest).TotalDays / 365.25) : 0;
            var completeness = accountCount[p] == 0 ? 0 : completenessSum[p] / accountCount[p];
            var platformNames = Enumerable.Range(0, ScoringInputs.PlatformNames.Length).Where(b => (platforms[p] & (1 << b)) != 0).Select(b => ScoringInputs.PlatformNames[b]).ToArray();
            var peerTrust = peerIndex[p] >= 0 ? pageRank.Ranks[peerIndex[p]] : 0;
            var reachPerPost = (double)(likes[p] + reposts[p] + quotes[p]) / posts[p];
            return new Facts(p, weeksActive, congressTags, publications, relationship, byCountry, withCountry, inTarget, ownInTarget, top, entropy, ageYears, completeness, platformNames, peerTrust, reachPerPost);
        }

        var m = new Measures
        {
            Inputs = inputs, Targets = targets, WeeksInWindow = weeksInWindow, GraphNodes = graphNodes, Peers = peers,
            Posts = posts, Replies = replies, LastPost = lastPost, Relevant = relevant, CommunityPosts = communityPosts, Scholarly = scholarly,
            Likes = likes, Reposts = reposts, Quotes = quotes, Followers = followers, Engagers = engagers, HcpEngagers = hcpEngagers,
            NonHcpEngagements = nonHcpEngagements, CommunityEngagements = communityEngagements, EngagementsMade = engagementsMade,
            RepliesToNonHcp = repliesToNonHcp, OutgoingWithCountry = outgoingWithCountry, OutgoingOwnCountry = outgoingOwnCountry,
        };
        for (var i = 0; i < n; i++)
        {
            var facts = FactsOf(i);
            for (var q = 0; q < Questions.Count; q++)
            {
                (table.Ranked[q][i], table.Raw[q][i]) = Steps[q].Measure(m, facts);
            }
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
            ["hcp_peers"] = peers,
            ["peer_edges"] = peerEdges,
            ["pagerank_iterations"] = pageRank.Iterations,
            ["pagerank_l1_change"] = pageRank.L1Change,
            ["pagerank_converged"] = pageRank.Converged,
            ["interactions"] = inputs.InteractionCount,
            ["identified_by_behaviour"] = population.Count(p => !inputs.IsHcp(p, profile.MinHcpConfidence)),
            ["behaviour_model"] = behaviourDetails,
        };
        string? ProfessionOf(int p) => inputs.IsHcp(p, profile.MinHcpConfidence) ? inputs.Profession[p] : null;
        return new ComputedRun([.. population], table, result, EvidenceOf, ProfessionOf, details);
    }

    private static double Round(double value) => Math.Round(value, 6);

    /// <summary>
    /// Visits each engagement that counts (docs/scoring.md): not from a bot-like account, both ends
    /// known persons, and not a person engaging themselves (accounts merged).
    /// </summary>
    private static void ForEachEngagement(ScoringInputs inputs, Action<int, int, byte> visit)
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
                visit(s, t, inputs.InteractionKind[i]);
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
        ForEachEngagement(inputs, (s, t, _) =>
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
        public required int[] Posts { get; init; }
        public required int[] Replies { get; init; }
        public required DateTime[] LastPost { get; init; }
        public required int[] Relevant { get; init; }
        public required int[] CommunityPosts { get; init; }
        public required int[] Scholarly { get; init; }
        public required long[] Likes { get; init; }
        public required long[] Reposts { get; init; }
        public required long[] Quotes { get; init; }
        public required long[] Followers { get; init; }
        public required int[] Engagers { get; init; }
        public required int[] HcpEngagers { get; init; }
        public required long[] NonHcpEngagements { get; init; }
        public required int[] CommunityEngagements { get; init; }
        public required int[] EngagementsMade { get; init; }
        public required int[] RepliesToNonHcp { get; init; }
        public required int[] OutgoingWithCountry { get; init; }
        public required int[] OutgoingOwnCountry { get; init; }
    }

    /// <summary>
    /// One question's part of a run: its measure for a person (the value ranked, and the raw value
    /// reported — the same for all but activity) and its evidence object, named by the question's key.
    /// </summary>
    private sealed record QuestionStep(string Key, Func<Measures, Facts, (double Ranked, double Raw)> Measure, Action<Utf8JsonWriter, Measures, Facts> Evidence);

    private static (double, double) Same(double value) => (value, value);

    /// <summary>The steps by question key, in the order of <see cref="Questions.All"/> (checked at start-up).</summary>
    private static readonly QuestionStep[] Steps = InOrder(
    [
        new(Questions.Relevance,
            (m, f) => Same(SignalFormulas.Relevance(m.Relevant[f.P], m.Posts[f.P])),
            (w, m, f) =>
            {
                w.WriteStartObject(Questions.Relevance);
                w.WriteNumber("relevant_posts", m.Relevant[f.P]);
                w.WriteNumber("posts", m.Posts[f.P]);
                w.WriteNumber("share", Round((double)m.Relevant[f.P] / m.Posts[f.P]));
                w.WriteEndObject();
            }),
        new(Questions.HcpFollowing,
            (m, f) => Same(m.HcpEngagers[f.P]),
            (w, m, f) =>
            {
                var p = f.P;
                w.WriteStartObject(Questions.HcpFollowing);
                w.WriteNumber("hcp_engagers", m.HcpEngagers[p]);
                w.WriteNumber("engagers", m.Engagers[p]);
                w.WriteNumber("public_engagers", m.Engagers[p] - m.HcpEngagers[p]);
                w.WriteNumber("hcp_share", m.Engagers[p] == 0 ? 0 : Round((double)m.HcpEngagers[p] / m.Engagers[p]));
                w.WriteNumber("followers", m.Followers[p]);
                w.WriteEndObject();
            }),
        new(Questions.PeerTrust,
            (m, f) => Same(f.PeerTrust),
            (w, m, f) =>
            {
                w.WriteStartObject(Questions.PeerTrust);
                w.WriteNumber("pagerank", f.PeerTrust);
                w.WriteNumber("relative_to_average", Round(f.PeerTrust * m.GraphNodes));
                w.WriteNumber("graph_nodes", m.Peers);
                w.WriteEndObject();
            }),
        new(Questions.Activity,
            // Ranked on the composite of volume, replies and steadiness; reported as posts per week.
            (m, f) => (SignalFormulas.ActivityComposite(m.Posts[f.P], m.Replies[f.P], f.WeeksActive, m.Inputs.WindowDays),
                       SignalFormulas.PostsPerWeek(m.Posts[f.P], m.Inputs.WindowDays)),
            (w, m, f) =>
            {
                var p = f.P;
                w.WriteStartObject(Questions.Activity);
                w.WriteNumber("posts_per_week", Round(SignalFormulas.PostsPerWeek(m.Posts[p], m.Inputs.WindowDays)));
                w.WriteNumber("replies", m.Replies[p]);
                w.WriteNumber("reply_share", Round((double)m.Replies[p] / m.Posts[p]));
                w.WriteNumber("weeks_active", f.WeeksActive);
                w.WriteNumber("weeks", m.WeeksInWindow);
                w.WriteNumber("days_since_last_post", Math.Round((m.Inputs.Snapshot - m.LastPost[p]).TotalDays, 1));
                w.WriteNumber("ranked_value", Round(SignalFormulas.ActivityComposite(m.Posts[p], m.Replies[p], f.WeeksActive, m.Inputs.WindowDays)));
                w.WriteEndObject();
            }),
        new(Questions.PublicInfluence,
            (m, f) => Same(SignalFormulas.PublicInfluence(m.Followers[f.P], m.NonHcpEngagements[f.P], m.Likes[f.P], m.Reposts[f.P], m.Quotes[f.P], m.Posts[f.P])),
            (w, m, f) =>
            {
                var p = f.P;
                w.WriteStartObject(Questions.PublicInfluence);
                w.WriteNumber("followers", m.Followers[p]);
                w.WriteNumber("non_hcp_engagements", m.NonHcpEngagements[p]);
                w.WriteNumber("likes", m.Likes[p]);
                w.WriteNumber("reposts", m.Reposts[p]);
                w.WriteNumber("quotes", m.Quotes[p]);
                w.WriteNumber("reach_per_post", Round(f.ReachPerPost));
                w.WriteNumber("mean_likes_per_post", Round((double)m.Likes[p] / m.Posts[p]));
                w.WriteEndObject();
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
        new(Questions.Science,
            (m, f) => Same(SignalFormulas.Science(m.Scholarly[f.P], m.Posts[f.P], f.CongressTags.Length, f.Publications)),
            (w, m, f) =>
            {
                w.WriteStartObject(Questions.Science);
                w.WriteNumber("scholarly_posts", m.Scholarly[f.P]);
                w.WriteNumber("posts", m.Posts[f.P]);
                w.WriteStartArray("congresses");
                foreach (var tag in f.CongressTags)
                {
                    w.WriteStringValue(tag);
                }
                w.WriteEndArray();
                w.WriteNumber("publications", f.Publications);
                w.WriteEndObject();
            }),
        new(Questions.Geography,
            // Fit to the profile's target countries when it names some; else how international the conversation partners are.
            (m, f) => Same(m.Targets.Count > 0 ? SignalFormulas.GeographyFit(f.InTarget, f.WithCountry, f.OwnInTarget) : f.Entropy),
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
                if (m.Inputs.Country[p] is { } oc)
                {
                    w.WriteNumber("own_country_partners", f.ByCountry.GetValueOrDefault(oc));
                }
                w.WriteNumber("engaged_with_country", m.OutgoingWithCountry[p]);
                w.WriteNumber("engaged_own_country", m.OutgoingOwnCountry[p]);
                w.WriteEndObject();
            }),
        new(Questions.Community,
            (m, f) => Same(SignalFormulas.Community(m.CommunityEngagements[f.P], m.CommunityPosts[f.P], m.RepliesToNonHcp[f.P], m.EngagementsMade[f.P], m.Posts[f.P])),
            (w, m, f) =>
            {
                var p = f.P;
                w.WriteStartObject(Questions.Community);
                w.WriteNumber("community_engagements", m.CommunityEngagements[p]);
                w.WriteNumber("community_hashtag_posts", m.CommunityPosts[p]);
                w.WriteNumber("replies_to_non_hcp", m.RepliesToNonHcp[p]);
                w.WriteNumber("engagements_made", m.EngagementsMade[p]);
                w.WriteNumber("posts", m.Posts[p]);
                w.WriteEndObject();
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

    /// <summary>What the signals of one scored person are computed from (again when their evidence is written).</summary>
    private readonly record struct Facts(
        int P, int WeeksActive, string[] CongressTags, int Publications, (string Kind, DateOnly? Since)? Relationship,
        Dictionary<string, int> ByCountry, int WithCountry, int InTarget, bool OwnInTarget, KeyValuePair<string, int> Top, double Entropy,
        double AgeYears, double Completeness, string[] PlatformNames, double PeerTrust, double ReachPerPost);

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
