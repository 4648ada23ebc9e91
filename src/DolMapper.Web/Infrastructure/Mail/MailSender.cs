using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DolMapper.Web.Infrastructure.Mail;

/// <summary>Sends DolMapper's few e-mails (invitations, password resets) over SMTP with MailKit, when SMTP is configured.</summary>
public sealed class MailSender(IOptionsMonitor<DolMapperOptions> options, ILogger<MailSender> logger)
{
    public bool Configured => options.CurrentValue.Smtp.Configured;

    /// <summary>Sends a plain-text message; returns null when sent, else why not (the caller shows the link instead).</summary>
    public async Task<string?> SendAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        var smtp = options.CurrentValue.Smtp;
        if (!smtp.Configured)
        {
            return "SMTP is not configured (DolMapper:Smtp:Host).";
        }
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        try
        {
            using var client = new SmtpClient { Timeout = 20_000 };
            // Validated at start (DolMapperOptionsValidator); TLS is required unless configured otherwise.
            var security = Enum.TryParse<SecureSocketOptions>(smtp.Security, ignoreCase: true, out var s) ? s : SecureSocketOptions.StartTls;
            await client.ConnectAsync(smtp.Host!, smtp.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            }
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            logger.LogInformation("Sent '{Subject}' to {To}", subject, to);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not send '{Subject}' to {To} through {Host}:{Port}", subject, to, smtp.Host, smtp.Port);
            return $"The mail server {smtp.Host}:{smtp.Port} did not take the message: {e.Message}";
        }
    }
}
