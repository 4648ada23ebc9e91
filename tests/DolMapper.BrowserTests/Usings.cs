global using DolMapper.Web.Tests.Support;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
