/**
 * The add-in-only XML manifest (MailApp, VersionOverrides 1.1), rendered for one deployment: every
 * URL in it is on the hub's public URL, where the hub serves the add-in's files (`/outlook/`).
 */

/**
 * The add-in's id. It is stable because Exchange keys the add-in's custom properties on it
 * (`cecp-<id>`), and the Microsoft 365 connector reads our event id from there through Graph.
 */
export const ADDIN_ID = '5f0c2b7e-8a43-4d1e-9b6a-3c2d7e9f1a40';

export interface AddinManifestOptions {
  /** The hub's public URL, like `https://meet.example.org`. */
  readonly publicUrl: string;
  readonly providerName?: string;
  /** Shown in Outlook; defaults to "Video meeting" (German: "Videokonferenz"). */
  readonly displayName?: string;
  readonly version?: string;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function addinBaseUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/outlook`;
}

export function renderAddinManifest(options: AddinManifestOptions): string {
  const origin = new URL(options.publicUrl).origin;
  const base = addinBaseUrl(options.publicUrl);
  const x = (text: string) => escapeXml(text);
  const name = options.displayName ?? 'Video meeting';
  const image = (size: number) =>
    `<bt:Image id="Icon.${size}" DefaultValue="${x(`${base}/icons/icon-${size}.png`)}"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0" xmlns:mailappor="http://schemas.microsoft.com/office/mailappversionoverrides/1.0" xsi:type="MailApp">
  <Id>${ADDIN_ID}</Id>
  <Version>${x(options.version ?? '1.0.0.0')}</Version>
  <ProviderName>${x(options.providerName ?? 'Video conferencing')}</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
  <DisplayName DefaultValue="${x(name)}">
    <Override Locale="de-DE" Value="${x(options.displayName ?? 'Videokonferenz')}"/>
  </DisplayName>
  <Description DefaultValue="Adds a video meeting with join link, guest link and dial-in to an appointment.">
    <Override Locale="de-DE" Value="Fügt einem Termin eine Videokonferenz mit Teilnahme-Link, Gast-Link und Einwahl hinzu."/>
  </Description>
  <IconUrl DefaultValue="${x(`${base}/icons/icon-64.png`)}"/>
  <HighResolutionIconUrl DefaultValue="${x(`${base}/icons/icon-128.png`)}"/>
  <SupportUrl DefaultValue="${x(`${origin}/`)}"/>
  <AppDomains>
    <AppDomain>${x(origin)}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Mailbox"/>
  </Hosts>
  <Requirements>
    <Sets>
      <Set Name="Mailbox" MinVersion="1.1"/>
    </Sets>
  </Requirements>
  <FormSettings>
    <Form xsi:type="ItemEdit">
      <DesktopSettings>
        <SourceLocation DefaultValue="${x(`${base}/taskpane.html`)}"/>
      </DesktopSettings>
    </Form>
  </FormSettings>
  <Permissions>ReadWriteItem</Permissions>
  <Rule xsi:type="RuleCollection" Mode="Or">
    <Rule xsi:type="ItemIs" ItemType="Appointment" FormType="Edit"/>
  </Rule>
  <DisableEntityHighlighting>false</DisableEntityHighlighting>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides" xsi:type="VersionOverridesV1_0">
    <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides/1.1" xsi:type="VersionOverridesV1_1">
      <Requirements>
        <bt:Sets DefaultMinVersion="1.3">
          <bt:Set Name="Mailbox"/>
        </bt:Sets>
      </Requirements>
      <Hosts>
        <Host xsi:type="MailHost">
          <DesktopFormFactor>
            <FunctionFile resid="Commands.Url"/>
            <ExtensionPoint xsi:type="AppointmentOrganizerCommandSurface">
              <OfficeTab id="TabDefault">
                <Group id="vcMeetingGroup">
                  <Label resid="Group.Label"/>
                  <Control xsi:type="Button" id="vcAddMeeting">
                    <Label resid="AddMeeting.Label"/>
                    <Supertip>
                      <Title resid="AddMeeting.Label"/>
                      <Description resid="AddMeeting.Tooltip"/>
                    </Supertip>
                    <Icon>
                      <bt:Image size="16" resid="Icon.16"/>
                      <bt:Image size="32" resid="Icon.32"/>
                      <bt:Image size="80" resid="Icon.80"/>
                    </Icon>
                    <Action xsi:type="ExecuteFunction">
                      <FunctionName>addMeeting</FunctionName>
                    </Action>
                  </Control>
                  <Control xsi:type="Button" id="vcMeetingSettings">
                    <Label resid="Settings.Label"/>
                    <Supertip>
                      <Title resid="Settings.Label"/>
                      <Description resid="Settings.Tooltip"/>
                    </Supertip>
                    <Icon>
                      <bt:Image size="16" resid="Icon.16"/>
                      <bt:Image size="32" resid="Icon.32"/>
                      <bt:Image size="80" resid="Icon.80"/>
                    </Icon>
                    <Action xsi:type="ShowTaskpane">
                      <SourceLocation resid="Taskpane.Url"/>
                    </Action>
                  </Control>
                </Group>
              </OfficeTab>
            </ExtensionPoint>
          </DesktopFormFactor>
          <MobileFormFactor>
            <FunctionFile resid="Commands.Url"/>
            <ExtensionPoint xsi:type="MobileOnlineMeetingCommandSurface">
              <Control xsi:type="MobileButton" id="vcMobileAddMeeting">
                <Label resid="AddMeeting.Label"/>
                <Icon xsi:type="bt:MobileIconList">
                  <bt:Image size="25" scale="1" resid="Icon.25"/>
                  <bt:Image size="25" scale="2" resid="Icon.25"/>
                  <bt:Image size="25" scale="3" resid="Icon.25"/>
                  <bt:Image size="32" scale="1" resid="Icon.32"/>
                  <bt:Image size="32" scale="2" resid="Icon.32"/>
                  <bt:Image size="32" scale="3" resid="Icon.32"/>
                  <bt:Image size="48" scale="1" resid="Icon.48"/>
                  <bt:Image size="48" scale="2" resid="Icon.48"/>
                  <bt:Image size="48" scale="3" resid="Icon.48"/>
                </Icon>
                <Action xsi:type="ExecuteFunction">
                  <FunctionName>addMeeting</FunctionName>
                </Action>
              </Control>
            </ExtensionPoint>
          </MobileFormFactor>
        </Host>
      </Hosts>
      <Resources>
        <bt:Images>
          ${[16, 25, 32, 48, 80].map(image).join('\n          ')}
        </bt:Images>
        <bt:Urls>
          <bt:Url id="Commands.Url" DefaultValue="${x(`${base}/commands.html`)}"/>
          <bt:Url id="Taskpane.Url" DefaultValue="${x(`${base}/taskpane.html`)}"/>
        </bt:Urls>
        <bt:ShortStrings>
          <bt:String id="Group.Label" DefaultValue="${x(name)}">
            <bt:Override Locale="de-DE" Value="${x(options.displayName ?? 'Videokonferenz')}"/>
          </bt:String>
          <bt:String id="AddMeeting.Label" DefaultValue="Add meeting">
            <bt:Override Locale="de-DE" Value="Besprechung hinzufügen"/>
          </bt:String>
          <bt:String id="Settings.Label" DefaultValue="Meeting settings">
            <bt:Override Locale="de-DE" Value="Einstellungen"/>
          </bt:String>
        </bt:ShortStrings>
        <bt:LongStrings>
          <bt:String id="AddMeeting.Tooltip" DefaultValue="Adds a video meeting with join link, guest link and dial-in to this appointment.">
            <bt:Override Locale="de-DE" Value="Fügt diesem Termin eine Videokonferenz mit Teilnahme-Link, Gast-Link und Einwahl hinzu."/>
          </bt:String>
          <bt:String id="Settings.Tooltip" DefaultValue="Waiting room, guest access, password and dial-in of this meeting.">
            <bt:Override Locale="de-DE" Value="Warteraum, Gastzugang, Passwort und Einwahl dieser Besprechung."/>
          </bt:String>
        </bt:LongStrings>
      </Resources>
    </VersionOverrides>
  </VersionOverrides>
</OfficeApp>
`;
}
