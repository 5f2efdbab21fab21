# Run the Tabour hub at start-up on a Windows PC, restarted if it stops.
#
# Windows has no systemd; a Scheduled Task that starts at boot under a service account, with
# restart on failure, is the built-in equivalent that needs no extra software.
# Run in an elevated PowerShell from the project folder, after `py scripts\bootstrap.py setup`:
#   powershell -ExecutionPolicy Bypass -File assets\deploy\install-hub-task.ps1
# It asks for the enrollment code (or takes -EnrollCode) and keeps it in a file only SYSTEM,
# the Administrators and the hub's account can read; the task reads that file, so the code never
# appears in the process list.
# Remove with:  Unregister-ScheduledTask -TaskName "Tabour hub" -Confirm:$false
param(
    [string]$EnrollCode,
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

if (-not $EnrollCode) {
    $secure = Read-Host "Enrollment code for the devices" -AsSecureString
    $EnrollCode = [Runtime.InteropServices.Marshal]::PtrToStringAuto([Runtime.InteropServices.Marshal]::SecureStringToBSTR($secure))
}
$codeFile = Join-Path (Split-Path $Database) "enroll-code.txt"
Set-Content -Path $codeFile -Value $EnrollCode -Encoding UTF8 -NoNewline
# Only SYSTEM, the Administrators and the hub's account may read the code.
icacls $codeFile /inheritance:r /grant:r "SYSTEM:(R)" "Administrators:(F)" "NETWORK SERVICE:(R)" | Out-Null
$logFile = Join-Path (Split-Path $Database) "logs\hub.log"

$arguments = "main.py hub --config `"$Config`" --db `"$Database`" --host 0.0.0.0 --port $Port --enroll-code-file `"$codeFile`" --log-file `"$logFile`""
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
# The database folder holds PIN and token hashes, backups and logs: the hub's account may write
# it, SYSTEM and the Administrators keep control, and other users (who inherit read access to
# ProgramData) lose theirs. The database, its -wal/-shm and the logs inherit this.
icacls (Split-Path $Database) /inheritance:r /grant:r "SYSTEM:(OI)(CI)F" "Administrators:(OI)(CI)F" "NETWORK SERVICE:(OI)(CI)M" | Out-Null
Start-ScheduledTask -TaskName "Tabour hub"
Write-Host "Tabour hub task installed; it listens on port $Port."
