# Run the Tabour hub at start-up on a Windows PC, restarted if it stops.
#
# Windows has no systemd; a Scheduled Task that starts at boot under a service account, with
# restart on failure, is the built-in equivalent that needs no extra software.
# Run in an elevated PowerShell from the project folder, after `py scripts\bootstrap.py setup`:
#   powershell -ExecutionPolicy Bypass -File assets\deploy\install-hub-task.ps1 -EnrollCode "choose-a-long-code"
# Remove with:  Unregister-ScheduledTask -TaskName "Tabour hub" -Confirm:$false
param(
    [Parameter(Mandatory = $true)][string]$EnrollCode,
    [string]$Config = "$env:ProgramData\Tabour\centre.toml",
    [string]$Database = "$env:ProgramData\Tabour\tabour.sqlite",
    [int]$Port = 8470
)
$ErrorActionPreference = "Stop"
$project = (Resolve-Path "$PSScriptRoot\..\..").Path
$python = Join-Path $project ".venv\Scripts\python.exe"
if (-not (Test-Path $python)) { throw "Set Tabour up first: py scripts\bootstrap.py setup" }
New-Item -ItemType Directory -Force -Path (Split-Path $Database) | Out-Null
if (-not (Test-Path $Config)) { Copy-Item (Join-Path $project "assets\demo-centre.toml") $Config }

$arguments = "main.py hub --config `"$Config`" --db `"$Database`" --host 0.0.0.0 --port $Port --enroll-code `"$EnrollCode`""
$action = New-ScheduledTaskAction -Execute $python -Argument $arguments -WorkingDirectory $project
$trigger = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -ExecutionTimeLimit ([TimeSpan]::Zero) -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -StartWhenAvailable
$principal = New-ScheduledTaskPrincipal -UserId "NT AUTHORITY\NETWORK SERVICE" -LogonType ServiceAccount
Register-ScheduledTask -TaskName "Tabour hub" -Action $action -Trigger $trigger -Settings $settings `
    -Principal $principal -Description "Tabour queue hub (port $Port)" -Force | Out-Null

# Let kiosks, counters and boards on the LAN reach the hub.
New-NetFirewallRule -DisplayName "Tabour hub" -Direction Inbound -Protocol TCP -LocalPort $Port -Action Allow `
    -Profile Domain,Private -ErrorAction SilentlyContinue | Out-Null
# NETWORK SERVICE must be able to write the database folder.
icacls (Split-Path $Database) /grant "NETWORK SERVICE:(OI)(CI)M" | Out-Null
Start-ScheduledTask -TaskName "Tabour hub"
Write-Host "Tabour hub task installed; it listens on port $Port."
