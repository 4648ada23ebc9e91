using System.Text.Json;
using System.Text.RegularExpressions;
using DolMapper.Scoring;
using DolMapper.Scoring.Hcp;
using DolMapper.Scoring.Patients;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Scoring;

/// <summary>
/// The run of a patient influencer profile (docs/patients.md), inside <see cref="ScoringRunner"/>'s
/// run: the population is every person classified a patient advocate or caregiver (label
/// <c>patient_advocate</c>; never an HCP, so nobody is in both kinds of ranking), not opted out, with
/// an own post in the window (and living in the target countries when the profile says so). Three
/// reads — their accounts, their own posts in the window, the interactions to and from them — give
/// each a <see cref="PatientActivity"/>; <see cref="PatientScoring"/> ranks them; the rows go to
/// patient_scores with the evidence behind each question. Only what people published is read.
/// </summary>
public static class PatientScoringRun
{
    /// <summary>How many example posts or links each question keeps.</summary>
    private const int Examples = 3;

    private sealed class Person
    {
        public long Id;
        public string PublicId = "";
        public string? Name;
        public string? Country;
        public readonly List<string> Handles = [];
        public readonly List<long> Accounts = [];
        public long Followers;
        public bool BioOnCondition;
        public readonly Dictionary<string, int> ConditionsTalked = new(StringComparer.Ordinal);
        public long Engagement;
        public int Posts, ConditionPosts, SupportPosts, Reputable, LowQuality, RepliesToPatients, RepostsOfPatients;
        public readonly Dictionary<int, int> Weeks = [];
        public readonly HashSet<long> PatientEngagers = [], HcpEngagers = [], OtherEngagers = [];
        public readonly List<(long Post, long Engagement)> TopPosts = [];
        public readonly List<long> ConditionExamples = [], SupportExamples = [];
        public readonly List<string> ReputableExamples = [], LowQualityExamples = [];
    }

    /// <summary>Scores the patient profile <paramref name="definition"/> into run <paramref name="runId"/>; returns how many were ranked and the run's details.</summary>
    public static async Task<(int Persons, Dictionary<string, object?> Details)> ScoreAsync(
        NpgsqlConnection connection, long runId, ProfileDefinition definition, DateTime snapshot, CancellationToken cancellationToken)
    {
        var from = snapshot.AddDays(-definition.WindowDays);
        var persons = new Dictionary<long, Person>();
        var byAccount = new Dictionary<long, Person>();
        var conditions = definition.ConditionsLookedFor;
        var keyword = definition.Keywords.Count == 0 ? null
            : new Regex(@"(?<![\p{L}\p{N}])(?:" + string.Join("|", definition.Keywords.Select(k => Regex.Escape(ConditionLexicon.Fold(k)))) + @")(?![\p{L}\p{N}])", RegexOptions.CultureInvariant);
        bool OnCondition(string? text, string[]? hashtags)
        {
            if (hashtags is not null && hashtags.Any(h => definition.Hashtags.Contains(h)))
            {
                return true;
            }
            var all = text + (hashtags is null ? "" : " #" + string.Join(" #", hashtags));
            return ConditionLexicon.Find(all).Any(c => conditions.Contains(c)) || (keyword is not null && keyword.IsMatch(ConditionLexicon.Fold(all)));
        }

        // 1. The population's accounts (bot-like accounts left out).
        await using (var command = new NpgsqlCommand($"""
            SELECT pe.id, pe.public_id, pe.display_name, pe.country, a.id, coalesce(a.followers, 0), a.bio, CASE WHEN NOT a.is_stub THEN nullif(a.handle, '') END
            FROM persons pe JOIN accounts a ON a.person_id = pe.id
            WHERE pe.profession = @label AND NOT a.is_bot_like AND pe.id NOT IN ({Data.OptOutSql.OptedOutPersons})
              AND (NOT @market OR pe.country = ANY(@countries))
            ORDER BY pe.id, a.id
            """, connection) { CommandTimeout = 0 })
        {
            command.Parameters.AddWithValue("label", HcpLabels.PatientAdvocate);
            command.Parameters.AddWithValue("market", definition.MarketOnly);
            command.Parameters.AddWithValue("countries", definition.Countries.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (!persons.TryGetValue(id, out var person))
                {
                    persons[id] = person = new Person
                    {
                        Id = id, PublicId = reader.GetString(1), Name = reader.IsDBNull(2) ? null : reader.GetString(2), Country = reader.IsDBNull(3) ? null : reader.GetString(3),
                    };
                }
                var account = reader.GetInt64(4);
                person.Accounts.Add(account);
                byAccount[account] = person;
                person.Followers += reader.GetInt64(5);
                var bio = reader.IsDBNull(6) ? null : reader.GetString(6);
                person.BioOnCondition |= OnCondition(bio, null);
                foreach (var c in ConditionLexicon.Find(bio))
                {
                    person.ConditionsTalked[c.Name] = person.ConditionsTalked.GetValueOrDefault(c.Name) + 1;
                }
                if (!reader.IsDBNull(7))
                {
                    person.Handles.Add(reader.GetString(7));
                }
            }
        }
        var accounts = byAccount.Keys.ToArray();
        // The population's accounts and the window, as every read below binds them.
        void Window(NpgsqlCommand command)
        {
            command.Parameters.AddWithValue("accounts", accounts);
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", snapshot);
        }
        var support = new HashSet<string>(ScoringVocabulary.CommunityHashtags, StringComparer.Ordinal);

        // 2. Their posts in the window: own posts for the questions, reposts only as amplification (from the interactions below).
        await using (var command = new NpgsqlCommand("""
            SELECT p.account_id, p.id, p.created_at, p.text, p.hashtags, p.urls, p.likes::bigint + p.replies + p.reposts + p.quotes
            FROM posts p
            WHERE p.account_id = ANY(@accounts) AND p.created_at > @from AND p.created_at <= @to AND p.deleted_at IS NULL AND p.repost_of_post_external_id IS NULL
            """, connection) { CommandTimeout = 0 })
        {
            Window(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var person = byAccount[reader.GetInt64(0)];
                var postId = reader.GetInt64(1);
                var at = DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc);
                var text = reader.IsDBNull(3) ? null : reader.GetString(3);
                var hashtags = reader.IsDBNull(4) ? null : reader.GetFieldValue<string[]>(4);
                var urls = reader.IsDBNull(5) ? null : reader.GetFieldValue<string[]>(5);
                var engagement = reader.GetInt64(6);
                person.Posts++;
                person.Engagement += engagement;
                var week = (int)((at - from).TotalDays / 7);
                person.Weeks[week] = person.Weeks.GetValueOrDefault(week) + 1;
                person.TopPosts.Add((postId, engagement));
                if (OnCondition(text, hashtags))
                {
                    person.ConditionPosts++;
                    if (person.ConditionExamples.Count < Examples)
                    {
                        person.ConditionExamples.Add(postId);
                    }
                }
                foreach (var c in ConditionLexicon.Find(text + (hashtags is null ? "" : " #" + string.Join(" #", hashtags))))
                {
                    person.ConditionsTalked[c.Name] = person.ConditionsTalked.GetValueOrDefault(c.Name) + 1;
                }
                if (hashtags is not null && hashtags.Any(support.Contains))
                {
                    person.SupportPosts++;
                    if (person.SupportExamples.Count < Examples)
                    {
                        person.SupportExamples.Add(postId);
                    }
                }
                foreach (var url in urls ?? [])
                {
                    switch (HealthSources.Classify(url))
                    {
                        case HealthSources.Reputable:
                            person.Reputable++;
                            if (person.ReputableExamples.Count < Examples) person.ReputableExamples.Add(url);
                            break;
                        case HealthSources.LowQuality:
                            person.LowQuality++;
                            if (person.LowQualityExamples.Count < Examples) person.LowQualityExamples.Add(url);
                            break;
                    }
                }
            }
        }

        // 3. Who engaged them (replies, quotes, reposts, mentions; bot-like accounts left out), and whom of the patients they engaged.
        await using (var command = new NpgsqlCommand("""
            SELECT i.target_account_id, sa.person_id, sp.profession, coalesce(sp.hcp_confidence, 0)
            FROM interactions i JOIN accounts sa ON sa.id = i.source_account_id LEFT JOIN persons sp ON sp.id = sa.person_id
            WHERE i.target_account_id = ANY(@accounts) AND i.occurred_at > @from AND i.occurred_at <= @to AND NOT sa.is_bot_like
            """, connection) { CommandTimeout = 0 })
        {
            Window(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var person = byAccount[reader.GetInt64(0)];
                if (reader.IsDBNull(1) || reader.GetInt64(1) == person.Id)
                {
                    continue;
                }
                var engager = reader.GetInt64(1);
                var profession = reader.IsDBNull(2) ? null : reader.GetString(2);
                (profession == HcpLabels.PatientAdvocate ? person.PatientEngagers
                    : HcpLabels.IsHcp(profession) && reader.GetDouble(3) >= 0.5 ? person.HcpEngagers
                    : person.OtherEngagers).Add(engager);
            }
        }
        await using (var command = new NpgsqlCommand("""
            SELECT i.source_account_id, i.kind, ta.person_id
            FROM interactions i JOIN accounts ta ON ta.id = i.target_account_id JOIN persons tp ON tp.id = ta.person_id
            WHERE i.source_account_id = ANY(@accounts) AND i.occurred_at > @from AND i.occurred_at <= @to AND tp.profession = @label AND i.kind <> 'mention'
            """, connection) { CommandTimeout = 0 })
        {
            Window(command);
            command.Parameters.AddWithValue("label", HcpLabels.PatientAdvocate);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var person = byAccount[reader.GetInt64(0)];
                if (reader.GetInt64(2) == person.Id)
                {
                    continue;
                }
                if (reader.GetString(1) == "reply")
                {
                    person.RepliesToPatients++;
                }
                else
                {
                    person.RepostsOfPatients++;
                }
            }
        }

        var population = persons.Values.Where(p => p.Posts > 0).OrderBy(p => p.Id).ToList();
        var notPosting = persons.Count - population.Count;
        if (population.Count == 0)
        {
            throw new ScoringRunException($"nobody to score: no person classified as a patient advocate or caregiver{(definition.MarketOnly ? " in the target countries" : "")} posted in the window ending {snapshot:yyyy-MM-dd}.");
        }
        var windowWeeks = (int)Math.Ceiling(definition.WindowDays / 7.0);
        var activities = population.Select(p =>
        {
            var counts = p.Weeks.Values.Select(v => (double)v).ToList();
            var mean = counts.Average();
            var variation = counts.Count < 2 ? 0 : Math.Sqrt(counts.Sum(c => (c - mean) * (c - mean)) / counts.Count) / mean;
            return new PatientActivity
            {
                Followers = p.Followers, EngagementReceived = p.Engagement,
                PatientEngagers = p.PatientEngagers.Count, HcpEngagers = p.HcpEngagers.Count, OtherEngagers = p.OtherEngagers.Count,
                Posts = p.Posts, ConditionPosts = p.ConditionPosts, BioOnCondition = p.BioOnCondition,
                ActiveWeeks = p.Weeks.Count, WindowWeeks = windowWeeks, WeeklyVariation = variation,
                RepliesToPatients = p.RepliesToPatients, RepostsOfPatients = p.RepostsOfPatients, SupportHashtagPosts = p.SupportPosts,
                ReputableLinks = p.Reputable, LowQualityLinks = p.LowQuality,
            };
        }).ToList();
        var scores = PatientScoring.Compute(activities, definition.OrderedWeights());

        using (var copy = await connection.BeginBinaryImportAsync(
            "COPY patient_scores (run_id, person_id, score, rank, tier, country, conditions, reach, trust, condition_relevance, consistency, support, information_quality, raw, contributions, evidence, search_text) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            for (var i = 0; i < population.Count; i++)
            {
                var p = population[i];
                var a = activities[i];
                copy.StartRow();
                copy.Write(runId, NpgsqlDbType.Bigint);
                copy.Write(p.Id, NpgsqlDbType.Bigint);
                copy.Write(scores.Scores[i], NpgsqlDbType.Double);
                copy.Write(scores.Ranks[i], NpgsqlDbType.Integer);
                copy.Write(scores.Tiers[i], NpgsqlDbType.Varchar);
                if (p.Country is null) copy.WriteNull(); else copy.Write(p.Country, NpgsqlDbType.Varchar);
                copy.Write(p.ConditionsTalked.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(3).Select(c => c.Key).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                for (var q = 0; q < PatientQuestions.All.Count; q++)
                {
                    copy.Write(scores.Signals[q][i], NpgsqlDbType.Double);
                }
                copy.Write(Enumerable.Range(0, PatientQuestions.All.Count).Select(q => scores.Raw[q][i]).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Double);
                copy.Write(scores.Contributions[i], NpgsqlDbType.Array | NpgsqlDbType.Double);
                copy.Write(JsonSerializer.Serialize(new
                {
                    figures = a,
                    why = PatientQuestions.All.ToDictionary(k => k, k => PatientScoring.Explain(k, a)),
                    conditions = p.ConditionsTalked.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => new { name = c.Key, mentions = c.Value }),
                    posts = new
                    {
                        reach = p.TopPosts.OrderByDescending(t => t.Engagement).ThenBy(t => t.Post).Take(Examples).Select(t => t.Post),
                        condition_relevance = p.ConditionExamples,
                        support = p.SupportExamples,
                    },
                    links = new { reputable = p.ReputableExamples, low_quality = p.LowQualityExamples },
                }, JsonOptions), NpgsqlDbType.Jsonb);
                var search = string.Join(' ', new[] { p.Name }.Concat(p.Handles).Where(s => !string.IsNullOrEmpty(s)));
                if (search.Length == 0) copy.WriteNull(); else copy.Write(search.ToLowerInvariant(), NpgsqlDbType.Text);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        var details = new Dictionary<string, object?>
        {
            ["window"] = new { from, to = snapshot, days = definition.WindowDays },
            ["kind"] = ProfileDefinition.PatientKind,
            ["conditions"] = conditions.Select(c => c.Key),
            ["population"] = persons.Count,
            ["without_post_in_window"] = notPosting,
        };
        return (population.Count, details);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
