using DolMapper.Web.Data.Entities;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Ingestion.Import;

/// <summary>
/// Keeps uploaded files in PostgreSQL in 1 MiB pieces until their import has read them, so the
/// worker that imports a file need not be the process that received it.
/// </summary>
public sealed class UploadStore(NpgsqlDataSource dataSource)
{
    public const int ChunkBytes = 1 << 20;

    /// <summary>Stores <paramref name="content"/> and creates the ingestion run that will import it; returns (upload, run).</summary>
    public async Task<(long UploadId, long RunId)> SaveAsync(string fileName, Stream content, bool allowRelationships, string uploadedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long uploadId;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO uploads (file_name, size_bytes, allow_relationships, uploaded_by, created_at)
            VALUES (@name, 0, @relationships, @user, now()) RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("name", fileName);
            insert.Parameters.AddWithValue("relationships", allowRelationships);
            insert.Parameters.AddWithValue("user", uploadedBy);
            uploadId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        var buffer = new byte[ChunkBytes];
        long size = 0;
        var sequence = 0;
        await using (var copy = await connection.BeginBinaryImportAsync("COPY upload_chunks (upload_id, sequence, data) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            while (true)
            {
                var read = await content.ReadAtLeastAsync(buffer, ChunkBytes, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    break;
                }
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(uploadId, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(sequence++, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(new ArraySegment<byte>(buffer, 0, read), NpgsqlDbType.Bytea, cancellationToken);
                size += read;
            }
            await copy.CompleteAsync(cancellationToken);
        }

        long runId;
        await using (var run = new NpgsqlCommand("""
            INSERT INTO ingestion_runs (kind, query, triggered_by, started_at, status, fetched, new, updated, duplicates, rejected, errors, reads_used, bytes_read, bytes_total, message, details)
            VALUES ('import', @name, @user, now(), @status, 0, 0, 0, 0, 0, 0, 0, 0, @size, 'queued', '{}') RETURNING id;
            """, connection, transaction))
        {
            run.Parameters.AddWithValue("name", fileName);
            run.Parameters.AddWithValue("user", uploadedBy);
            run.Parameters.AddWithValue("status", RunStatuses.Running);
            run.Parameters.AddWithValue("size", size);
            runId = (long)(await run.ExecuteScalarAsync(cancellationToken))!;
        }
        await using (var update = new NpgsqlCommand("UPDATE uploads SET size_bytes = @size, run_id = @run WHERE id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("size", size);
            update.Parameters.AddWithValue("run", runId);
            update.Parameters.AddWithValue("id", uploadId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (uploadId, runId);
    }

    /// <summary>The upload's bytes, read a piece at a time.</summary>
    public Stream OpenRead(long uploadId) => new ChunkStream(dataSource, uploadId);

    public async Task DeleteContentAsync(long uploadId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM upload_chunks WHERE upload_id = @id");
        command.Parameters.AddWithValue("id", uploadId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class ChunkStream(NpgsqlDataSource dataSource, long uploadId) : Stream
    {
        private byte[] _current = [];
        private int _offset;
        private int _next;
        private bool _done;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_offset == _current.Length)
            {
                if (_done)
                {
                    return 0;
                }
                await using var command = dataSource.CreateCommand("SELECT data FROM upload_chunks WHERE upload_id = @id AND sequence = @sequence");
                command.Parameters.AddWithValue("id", uploadId);
                command.Parameters.AddWithValue("sequence", _next++);
                if (await command.ExecuteScalarAsync(cancellationToken) is byte[] data)
                {
                    _current = data;
                    _offset = 0;
                }
                else
                {
                    _done = true;
                }
            }
            var n = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsMemory(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
