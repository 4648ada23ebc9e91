using System.Text.Json;
using DolMapper.Web.Scoring;

namespace DolMapper.Web.Tests.Scoring;

[Trait("Category", "Slow")]
public sealed class HcpClassificationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static IEnumerable<string> Accounts() =>
    [
        """{"type":"account","platform":"x","id":"1","handle":"drlee_onc","name":"Dr. Mina Lee, MD","bio":"Thoracic oncologist. Lung cancer trials."}""",
        """{"type":"account","platform":"x","id":"2","handle":"kellytran_md","name":"Kelly Tran","bio":"Baltimore, MD. Marketing manager. Crab cakes."}""",
        """{"type":"account","platform":"x","id":"3","handle":"sam_writes","name":"Sam Ortiz","bio":"Writer. Coffee."}""",
    ];

    [Fact]
    public async Task Classification_keeps_its_reasons_and_an_admin_correction_trains_the_next_model_and_is_kept()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(Accounts())).Clean);
        await Sql.ExecuteAsync(db.ConnectionString, "DELETE FROM trained_models WHERE kind = 'hcp_classifier'");
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString, storeModel: false);
        var service = scoring.Get<HcpClassificationService>();

        // No model yet: one is trained from the corpus, stored with its held-out figures, and used.
        var first = await service.ClassifyAsync(CancellationToken.None);
        Assert.Equal(1, first.ModelVersion);
        Assert.Equal(3, first.Classified);
        Assert.Equal("physician", await db.ScalarAsync("SELECT profession FROM persons WHERE public_id = 'x:1'"));
        Assert.Equal("medical_oncology", await db.ScalarAsync("SELECT specialty FROM persons WHERE public_id = 'x:1'"));
        Assert.Equal("public", await db.ScalarAsync("SELECT profession FROM persons WHERE public_id = 'x:2'"));
        using (var evidence = JsonDocument.Parse((string)(await db.ScalarAsync("SELECT classification_evidence::text FROM persons WHERE public_id = 'x:1'"))!))
        {
            Assert.Equal("physician", evidence.RootElement.GetProperty("label").GetString());
            Assert.NotEmpty(evidence.RootElement.GetProperty("terms").EnumerateArray());
            Assert.Equal("thoracic oncologist", evidence.RootElement.GetProperty("specialty_term").GetString());
        }
        var metrics = (string)(await db.ScalarAsync("SELECT metrics::text FROM trained_models WHERE kind = 'hcp_classifier' AND is_active"))!;
        using (var m = JsonDocument.Parse(metrics))
        {
            Assert.True(m.RootElement.GetProperty("held_out").GetProperty("hcp_accuracy").GetDouble() >= 0.95);
        }

        // Nothing changed: nobody is classified again.
        Assert.Equal(0, (await service.ClassifyAsync(CancellationToken.None)).Classified);

        // A changed bio is classified again.
        await db.ImportAsync(["""{"type":"account","platform":"x","id":"3","handle":"sam_writes","name":"Sam Ortiz, RN","bio":"ICU nurse. Night shift.","observed_at":"2030-01-01T00:00:00Z"}"""]);
        var changed = await service.ClassifyAsync(CancellationToken.None);
        Assert.Equal(1, changed.Classified);
        Assert.Equal("nurse", await db.ScalarAsync("SELECT profession FROM persons WHERE public_id = 'x:3'"));

        // An admin corrects a role: the next pass trains version 2 with the correction and keeps the admin's answer.
        await Sql.ExecuteAsync(db.ConnectionString, "UPDATE persons SET profession = 'researcher', role_confirmed = true WHERE public_id = 'x:2'");
        var retrained = await service.ClassifyAsync(CancellationToken.None);
        Assert.Equal(2, retrained.ModelVersion);
        Assert.Equal("researcher", await db.ScalarAsync("SELECT profession FROM persons WHERE public_id = 'x:2'"));
        Assert.Equal(1L, await db.CountAsync("SELECT (metrics ->> 'corrections')::int FROM trained_models WHERE kind = 'hcp_classifier' AND is_active"));
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM trained_models WHERE kind = 'hcp_classifier' AND NOT is_active"));

        // An upgrade changed the corpus or the cues (here: the stored model says it was trained on
        // something else): the next pass trains version 3 and classifies everyone with it.
        await Sql.ExecuteAsync(db.ConnectionString,
            "UPDATE trained_models SET metrics = jsonb_set(metrics, '{trained_on}', '\"cues-v1-0000000000000000\"') WHERE kind = 'hcp_classifier' AND is_active");
        var upgraded = await service.ClassifyAsync(CancellationToken.None);
        Assert.Equal(3, upgraded.ModelVersion);
        Assert.True(upgraded.Classified >= 2, $"{upgraded.Classified} classified again");
        Assert.Equal("researcher", await db.ScalarAsync("SELECT profession FROM persons WHERE public_id = 'x:2'"));
        Assert.Equal(0, (await service.ClassifyAsync(CancellationToken.None)).Classified);
    }
}
