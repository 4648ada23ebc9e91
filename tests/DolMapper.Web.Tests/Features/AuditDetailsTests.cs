using DolMapper.Web.Features.Admin.Audit;

namespace DolMapper.Web.Tests.Features;

/// <summary>Audit details as the audit log shows them: changes as before → after, the rest as names and values.</summary>
public sealed class AuditDetailsTests
{
    [Fact]
    public void Before_and_after_objects_become_one_row_per_changed_field()
    {
        var details = AuditDetails.Read("""{"before": {"profession": "public", "specialty": null, "hcp_confidence": 0.41}, "after": {"profession": "physician", "specialty": "cardiology"}}""");
        Assert.Equal(
            [("profession", "public", "physician"), ("specialty", "—", "cardiology"), ("hcp confidence", "0.41", "—")],
            details.Changes);
        Assert.Empty(details.Facts);
    }

    [Fact]
    public void A_list_of_changes_and_the_other_details_read_as_words()
    {
        var details = AuditDetails.Read("""{"version": 2, "changes": [{"field": "weights.science", "before": "0", "after": "1"}], "queued_run": true, "countries": ["GB", "IE"], "filter": {"country": "GB", "tier": null}}""");
        Assert.Equal([("weights.science", "0", "1")], details.Changes);
        Assert.Equal([("version", "2"), ("queued run", "yes"), ("countries", "GB, IE"), ("filter", "country: GB")], details.Facts);
    }

    [Fact]
    public void Unchanged_fields_are_left_out_and_text_that_is_not_json_is_shown_as_it_is()
    {
        Assert.Equal([("role", "Analyst", "Admin")], AuditDetails.Read("""{"before": {"role": "Analyst", "email": "a@x"}, "after": {"role": "Admin", "email": "a@x"}}""").Changes);
        Assert.Equal([("details", "not json {")], AuditDetails.Read("not json {").Facts);
    }
}
