using DolMapper.Web.Data;
using Npgsql;

namespace DolMapper.Web.Tests.Data;

/// <summary>
/// The app's two data sources: the main one (every job and write) and the dashboard's reads, whose
/// pooled connections are not reset between uses — safe only because its sessions cannot write.
/// </summary>
public sealed class DataSourceTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_dashboards_read_connections_cannot_write_or_leave_a_table_behind()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        await using var reads = DolMapperDataSource.CreateForReads(new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);

        await using (var connection = await reads.OpenConnectionAsync())
        {
            await using var insert = new NpgsqlCommand("INSERT INTO opt_outs (reason) VALUES ('test')", connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
            await using var temp = new NpgsqlCommand("CREATE TABLE left_behind (a int)", connection);
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, (await Assert.ThrowsAsync<PostgresException>(() => temp.ExecuteNonQueryAsync())).SqlState);
        }
        Assert.Equal(0L, await db.CountAsync("SELECT count(*) FROM opt_outs"));
        // Reading works, on the same (not reset) physical connection.
        await using (var connection = await reads.OpenConnectionAsync())
        {
            await using var read = new NpgsqlCommand("SELECT count(*) FROM persons", connection);
            Assert.Equal(0L, (long)(await read.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task A_statement_asked_again_is_prepared_once_and_stays_prepared_across_pooled_opens()
    {
        await using var db = await ImportDatabase.CreateAsync(postgres);
        foreach (var create in new Func<string, NpgsqlDataSource>[] { DolMapperDataSource.Create, DolMapperDataSource.CreateForReads })
        {
            await using var source = create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);
            for (var i = 0; i < 3; i++)
            {
                await using var connection = await source.OpenConnectionAsync();
                await using var command = new NpgsqlCommand("SELECT count(*) FROM scoring_profiles WHERE name <> @name", connection);
                command.Parameters.AddWithValue("name", "none");
                await command.ExecuteScalarAsync();
            }
            await using var check = await source.OpenConnectionAsync();
            await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM scoring_profiles WHERE name <> $1%'", check);
            Assert.Equal(1L, (long)(await prepared.ExecuteScalarAsync())!);
        }
    }
}
