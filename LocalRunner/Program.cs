using BitrixRetailCrm.LocalRunner;

var app = LocalRunnerApp.Build(args);
app.Run();
