; Inno Setup script for Rabta: a per-user install that needs no administrator rights.
; Build the one-folder bundle on Windows first (make dist, or
;   pyinstaller --noconfirm --distpath dist --workpath build installer\rabta.spec)
; then compile this script with Inno Setup 6:  iscc installer\windows\rabta.iss
; The officer's database lives in %LOCALAPPDATA%\Rabta\Rabta and is never removed.

#define AppName "Rabta"
#define AppVersion "0.1.0"
#define AppPublisher "Rabta"

[Setup]
AppId={{6A0F4C52-8E0B-4D7E-9C51-2B7C2E8F1A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppPublisher}
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=rabta-setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\rabta.ico
UninstallDisplayIcon={app}\rabta.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\..\dist\rabta\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\rabta.exe"; IconFilename: "{app}\rabta.exe"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\rabta.exe"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder goes; the database and settings in the user's profile stay.
Type: filesandordirs; Name: "{app}"
