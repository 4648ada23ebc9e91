# DolMapper: one image for the web app and the worker role (the command decides).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/DolMapper.Scoring/DolMapper.Scoring.csproj src/DolMapper.Scoring/
COPY src/DolMapper.Web/DolMapper.Web.csproj src/DolMapper.Web/
RUN dotnet restore src/DolMapper.Web/DolMapper.Web.csproj
COPY src/ src/
RUN dotnet publish src/DolMapper.Web/DolMapper.Web.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# LightGBM (ML.NET) needs the GNU OpenMP runtime; events read their days in IANA time zones (tzdata).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 tzdata \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080 \
    DolMapper__DataDirectory=/tmp/dolmapper
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "dolmapper.dll"]
CMD ["serve"]
