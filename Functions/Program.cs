using BitrixRetailCrm;
using BitrixRetailCrm.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Application Insights before the resilience handlers: registered after them it loses all telemetry (azure-functions.md §9).
builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Services.AddBitrixRetailCrm(builder.Configuration);
builder.Services.AddHostedService<MetricsForwarder>();
builder.Build().Run();
