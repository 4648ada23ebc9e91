namespace DolMapper.Scoring.Events;

/// <summary>What a person did in an event's conversation: the numbers the roles are read from.</summary>
public sealed record EventParticipant(long PersonId, int PostsDuring, long EngagementDuring, int TopicPostsBefore);

/// <summary>
/// The roles of an event's participants (docs/events.md, "Leaders and new voices"). Participants
/// are ranked by the engagement their posts in the conversation received during the window (then by
/// posts, then by id, so ties rank the same way every time). The first <see cref="Leaders"/> are its
/// leaders. A <b>new voice</b> is prominent during the window — among the first
/// <see cref="ProminentTop"/> with at least <see cref="MinPostsDuring"/> posts — and was quiet
/// before it: fewer than <see cref="QuietBelow"/> posts in the event's conversation or its profile's
/// topic over the "before" window.
/// </summary>
public static class EventRoles
{
    /// <summary>Among the first <see cref="Leaders"/> by engagement during the window.</summary>
    public const string Leader = "leader";
    /// <summary>Prominent during the window and quiet before it.</summary>
    public const string NewVoice = "new_voice";
    /// <summary>Anyone else who posted in the conversation during the window.</summary>
    public const string Participant = "participant";

    /// <summary>How many of the first are leaders.</summary>
    public const int Leaders = 10;
    /// <summary>How far down the ranking a person counts as prominent.</summary>
    public const int ProminentTop = 50;
    /// <summary>The posts during the window a prominent person needs (one lucky post is not a voice).</summary>
    public const int MinPostsDuring = 2;
    /// <summary>Fewer posts than this in the topic before the window is quiet.</summary>
    public const int QuietBelow = 3;

    /// <summary>The role in words.</summary>
    public static string Words(string role) => role switch
    {
        Leader => "Leader",
        NewVoice => "New voice",
        _ => "Participant",
    };

    /// <summary>The participants in rank order, each with their rank (1-based), whether they are a new voice and their role.</summary>
    public static IReadOnlyList<(EventParticipant Participant, int Rank, bool NewVoice, string Role)> Assign(IEnumerable<EventParticipant> participants)
    {
        var ranked = participants.Where(p => p.PostsDuring > 0)
            .OrderByDescending(p => p.EngagementDuring).ThenByDescending(p => p.PostsDuring).ThenBy(p => p.PersonId)
            .ToList();
        var result = new List<(EventParticipant, int, bool, string)>(ranked.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            var p = ranked[i];
            var rank = i + 1;
            var newVoice = rank <= ProminentTop && p.PostsDuring >= MinPostsDuring && p.TopicPostsBefore < QuietBelow;
            // A new voice who is also among the leaders is shown as a new voice: that is the news.
            var role = newVoice ? NewVoice : rank <= Leaders ? Leader : Participant;
            result.Add((p, rank, newVoice, role));
        }
        return result;
    }
}

/// <summary>What a link shared around an event is (docs/events.md): a journal article, an abstract, slides, or something else.</summary>
public static class EventLinks
{
    /// <summary>A scholarly host (<see cref="ScoringVocabulary.IsScholarlyUrl"/>).</summary>
    public const string Journal = "journal";
    /// <summary>A congress abstract (an "abstract" in the path, or a meeting library).</summary>
    public const string Abstract = "abstract";
    /// <summary>A slide deck (slide-sharing hosts, "slides" in the path, .pdf/.pptx decks).</summary>
    public const string Slides = "slides";
    /// <summary>Anything else (news, blogs, sign-ups).</summary>
    public const string Other = "other";

    private static readonly string[] SlideHosts = ["slideshare.net", "speakerdeck.com", "slides.com", "docs.google.com"];

    /// <summary>The kind of <paramref name="url"/>.</summary>
    public static string KindOf(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return Other;
        }
        var host = uri.Host.ToLowerInvariant();
        var path = uri.AbsolutePath.ToLowerInvariant();
        if (path.Contains("abstract", StringComparison.Ordinal) || host.StartsWith("meetinglibrary.", StringComparison.Ordinal) || host.Contains("abstracts", StringComparison.Ordinal))
        {
            return Abstract;
        }
        if (SlideHosts.Any(h => host == h || host.EndsWith("." + h, StringComparison.Ordinal)) || path.Contains("slides", StringComparison.Ordinal) || path.EndsWith(".pptx", StringComparison.Ordinal))
        {
            return Slides;
        }
        return ScoringVocabulary.IsScholarlyUrl(url) ? Journal : Other;
    }
}
