using BitrixRetailCrm.Admin;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return await AdminCli.RunAsync(args, Console.Out, Console.Error, ct: cancel.Token);
