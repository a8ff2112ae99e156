; Inno Setup script: a Windows installer around the one-folder build (dist\annotator).
;   python run.py build
;   iscc /DAppVersion=0.1.0 packaging\windows\annotator.iss   ->  dist\annotator-0.1.0-setup.exe
; Installs per user by default (no administrator needed), adds a Start menu entry, and offers
; annotator under "Open with" for every .db file; the optional task makes it the program that
; opens .db files on double-click (a project is an SQLite file, and Windows associates by the
; last ending only, so this is left to the user).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F1C3B2A-8E4D-4B7A-9C1E-5A2F0D3E7B61}
AppName=Annotator
AppVersion={#AppVersion}
AppPublisher=annotator
DefaultDirName={autopf}\Annotator
DefaultGroupName=Annotator
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
OutputDir=..\..\dist
OutputBaseFilename=annotator-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Arabic.isl is an official translation only in recent Inno Setup 6 releases.
#if FileExists(CompilerPath + "Languages\Arabic.isl")
Name: "ar"; MessagesFile: "compiler:Languages\Arabic.isl"
#endif

[Tasks]
Name: "associate"; Description: "Open .db project files with Annotator on double-click"; Flags: unchecked

[Files]
Source: "..\..\dist\annotator\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\Annotator"; Filename: "{app}\annotator.exe"
Name: "{group}\Uninstall Annotator"; Filename: "{uninstallexe}"

[Registry]
; The project file type, opened by annotator.exe with the file as its one argument.
Root: HKA; Subkey: "Software\Classes\Annotator.Project"; ValueType: string; ValueName: ""; ValueData: "Annotator project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Annotator.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\annotator.exe"",0"
Root: HKA; Subkey: "Software\Classes\Annotator.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\annotator.exe"" ""%1"""
; "Open with" for every .db, without taking the ending from other programs.
Root: HKA; Subkey: "Software\Classes\.db\OpenWithProgids"; ValueType: string; ValueName: "Annotator.Project"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\annotator.exe\SupportedTypes"; ValueType: string; ValueName: ".db"; ValueData: ""; Flags: uninsdeletekey
; The optional task: .db opens in annotator on double-click.
Root: HKA; Subkey: "Software\Classes\.db"; ValueType: string; ValueName: ""; ValueData: "Annotator.Project"; Flags: uninsdeletevalue; Tasks: associate

[Run]
Filename: "{app}\annotator.exe"; Description: "Start Annotator"; Flags: nowait postinstall skipifsilent
