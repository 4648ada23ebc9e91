using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Events : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The first plan's events table was never written by any code path; its shape is replaced
            // by versioned events (docs/events.md), so any stray row (which would have no version) goes.
            migrationBuilder.Sql("DELETE FROM events;");

            migrationBuilder.DropIndex(
                name: "ix_events_hashtags",
                table: "events");

            migrationBuilder.DropIndex(
                name: "ix_events_starts_on",
                table: "events");

            migrationBuilder.DropColumn(
                name: "country",
                table: "events");

            migrationBuilder.DropColumn(
                name: "ends_on",
                table: "events");

            migrationBuilder.DropColumn(
                name: "hashtags",
                table: "events");

            migrationBuilder.DropColumn(
                name: "location",
                table: "events");

            migrationBuilder.DropColumn(
                name: "starts_on",
                table: "events");

            migrationBuilder.DropColumn(
                name: "therapy_area",
                table: "events");

            migrationBuilder.DropColumn(
                name: "url",
                table: "events");

            migrationBuilder.AlterColumn<string>(
                name: "name",
                table: "events",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AddColumn<DateTime>(
                name: "created_at",
                table: "events",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.CreateTable(
                name: "event_versions",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    event_id = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    definition = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_event_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_event_versions_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "event_analyses",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    event_id = table.Column<int>(type: "integer", nullable: false),
                    event_version_id = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    data_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    details = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_event_analyses", x => x.id);
                    table.CheckConstraint("ck_event_analyses_status", "status IN ('running', 'complete', 'failed')");
                    table.ForeignKey(
                        name: "fk_event_analyses_event_versions_event_version_id",
                        column: x => x.event_version_id,
                        principalTable: "event_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_event_analyses_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "event_buckets",
                columns: table => new
                {
                    analysis_id = table.Column<long>(type: "bigint", nullable: false),
                    hours = table.Column<int>(type: "integer", nullable: false),
                    starts_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    posts = table.Column<int>(type: "integer", nullable: false),
                    hcp_posts = table.Column<int>(type: "integer", nullable: false),
                    authors = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_event_buckets", x => new { x.analysis_id, x.hours, x.starts_at });
                    table.ForeignKey(
                        name: "fk_event_buckets_event_analyses_analysis_id",
                        column: x => x.analysis_id,
                        principalTable: "event_analyses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "event_persons",
                columns: table => new
                {
                    analysis_id = table.Column<long>(type: "bigint", nullable: false),
                    person_id = table.Column<long>(type: "bigint", nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    posts_before = table.Column<int>(type: "integer", nullable: false),
                    posts_during = table.Column<int>(type: "integer", nullable: false),
                    posts_after = table.Column<int>(type: "integer", nullable: false),
                    engagement_before = table.Column<long>(type: "bigint", nullable: false),
                    engagement_during = table.Column<long>(type: "bigint", nullable: false),
                    engagement_after = table.Column<long>(type: "bigint", nullable: false),
                    reach_during = table.Column<long>(type: "bigint", nullable: false),
                    audience = table.Column<int>(type: "integer", nullable: false),
                    hcp_audience = table.Column<int>(type: "integer", nullable: false),
                    topic_posts_before = table.Column<int>(type: "integer", nullable: false),
                    hcp = table.Column<bool>(type: "boolean", nullable: false),
                    new_voice = table.Column<bool>(type: "boolean", nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_event_persons", x => new { x.analysis_id, x.person_id });
                    table.ForeignKey(
                        name: "fk_event_persons_event_analyses_analysis_id",
                        column: x => x.analysis_id,
                        principalTable: "event_analyses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_events_name",
                table: "events",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_event_analyses_event_id_status_completed_at",
                table: "event_analyses",
                columns: new[] { "event_id", "status", "completed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_event_analyses_event_version_id",
                table: "event_analyses",
                column: "event_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_event_persons_analysis_id_rank",
                table: "event_persons",
                columns: new[] { "analysis_id", "rank" });

            migrationBuilder.CreateIndex(
                name: "ix_event_persons_person_id",
                table: "event_persons",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_event_versions_event_id_version",
                table: "event_versions",
                columns: new[] { "event_id", "version" },
                unique: true);

            // Versions are immutable, like the profiles' (the initial migration's dolmapper_reject_change).
            migrationBuilder.Sql("""
                CREATE TRIGGER event_versions_append_only
                    BEFORE UPDATE OR DELETE ON event_versions
                    FOR EACH ROW EXECUTE FUNCTION dolmapper_reject_change();
                CREATE TRIGGER event_versions_no_truncate
                    BEFORE TRUNCATE ON event_versions
                    FOR EACH STATEMENT EXECUTE FUNCTION dolmapper_reject_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS event_versions_append_only ON event_versions; DROP TRIGGER IF EXISTS event_versions_no_truncate ON event_versions;");
            migrationBuilder.DropTable(
                name: "event_buckets");

            migrationBuilder.DropTable(
                name: "event_persons");

            migrationBuilder.DropTable(
                name: "event_analyses");

            migrationBuilder.DropTable(
                name: "event_versions");

            migrationBuilder.DropIndex(
                name: "ix_events_name",
                table: "events");

            migrationBuilder.DropColumn(
                name: "created_at",
                table: "events");

            migrationBuilder.AlterColumn<string>(
                name: "name",
                table: "events",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200);

            migrationBuilder.AddColumn<string>(
                name: "country",
                table: "events",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "ends_on",
                table: "events",
                type: "date",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            migrationBuilder.AddColumn<string[]>(
                name: "hashtags",
                table: "events",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<string>(
                name: "location",
                table: "events",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "starts_on",
                table: "events",
                type: "date",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            migrationBuilder.AddColumn<string>(
                name: "therapy_area",
                table: "events",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "url",
                table: "events",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_events_hashtags",
                table: "events",
                column: "hashtags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_events_starts_on",
                table: "events",
                column: "starts_on");
        }
    }
}
